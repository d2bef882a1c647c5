package io.presenter.chat.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.presenter.chat.couple.CoupleRegistry;
import io.presenter.chat.metrics.ChatMetrics;
import io.presenter.chat.ownership.Ownership;
import io.presenter.chat.session.ChatServices;
import io.presenter.chat.store.MessageStore;
import io.presenter.runtime.admin.AdminHttpServer;
import io.presenter.protocol.mux.MuxConfig;
import io.presenter.runtime.ring.Member;
import io.presenter.runtime.ring.MemberRegistration;
import io.presenter.runtime.ring.MembershipView;
import io.presenter.runtime.ring.ZooKeeperClients;
import io.presenter.protocol.tls.TlsContexts;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenVerifier;
import io.presenter.protocol.transport.Transport;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat server process: message store, ZooKeeper membership and ownership, the mux listener
 * for gateways, the optional direct TLS listener and the admin endpoint.
 *
 * <p>{@link #start()} joins the ring last (after every listener is up), and {@link #close()}
 * leaves it first, so that gateways move this server's couples right away; then it hands every
 * open session over (DRAINING), lets in-flight commits finish and stops.
 */
public final class ChatServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatServer.class);

  private final ChatServerConfig config;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ChannelGroup listeners = new DefaultChannelGroup("listeners", GlobalEventExecutor.INSTANCE);
  private MessageStore store;
  private CuratorFramework curator;
  private MembershipView view;
  private MemberRegistration registration;
  private Ownership ownership;
  private ChatMetrics metrics;
  private ThreadPoolExecutor blocking;
  private ScheduledExecutorService timers;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private AdminHttpServer admin;
  private int muxPort;
  private int clientPort = -1;
  private volatile boolean draining;

  public ChatServer(ChatServerConfig config) {
    this.config = config;
  }

  public ChatServer start() throws Exception {
    store = StoreFactory.open(config.store(), meters);
    curator = ZooKeeperClients.connect(config.zookeeperConnect(), config.zookeeperSessionTimeout(), config.zookeeperConnectionTimeout());
    blocking =
        new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000), new DefaultThreadFactory("store-io", true));
    timers = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("chat-timers", true));
    CoupleRegistry couples = new CoupleRegistry(store, blocking, timers, config.limits().typingTtl().toMillis());
    view = new MembershipView(curator, config.membersPath());
    ownership = new Ownership(config.id(), view::ring, couples);
    view.addListener(ownership);
    view.start();
    view.awaitInitialized(config.zookeeperConnectionTimeout());
    metrics = new ChatMetrics(meters);
    meters.gauge("presenter.chat.couples.owned", couples, CoupleRegistry::size);
    meters.gauge("presenter.chat.ring.version", view, v -> v.ring().version());
    meters.gauge("presenter.chat.ring.members", view, v -> v.ring().size());
    meters.gauge("presenter.chat.zookeeper.connected", curator, c -> c.getZookeeperClient().isConnected() ? 1 : 0);
    meters.gauge("presenter.chat.draining", this, s -> s.draining ? 1 : 0);
    meters.more().counter("presenter.chat.moved", java.util.List.of(), ownership, Ownership::movedCouples);

    TokenVerifier tokens =
        new TokenVerifier(TokenKeys.load(Path.of(config.tokenKeyFile())), config.tokenClockSkew(), Clock.systemUTC());
    ChatServices services = new ChatServices(config.limits(), tokens, ownership, couples, store, blocking, metrics);
    MuxConfig mux =
        MuxConfig.defaults(config.id())
            .withMaxFrameSize(config.muxMaxFrameSize())
            .withInitialStreamWindow(config.muxInitialStreamWindow())
            .withMaxConcurrentStreams(config.muxMaxConcurrentStreams());
    ChatPipeline pipeline = new ChatPipeline(services, mux, config.limits().maxFrameBytes());

    Transport transport = Transport.best();
    bossGroup = transport.newGroup(1, new DefaultThreadFactory("chat-accept"));
    workerGroup = transport.newGroup(config.eventLoopThreads(), new DefaultThreadFactory("chat-io"));
    muxPort = bind(transport, config.muxPort(), pipeline.muxConnection());
    if (config.clientPort() >= 0) {
      var tls = TlsContexts.server(new File(config.tlsCertFile()), new File(config.tlsKeyFile()));
      clientPort = bind(transport, config.clientPort(), pipeline.directClient(tls));
    }
    admin = new AdminHttpServer(config.adminHost(), config.adminPort(), meters::scrape, this::isReady);
    admin.start();

    registration =
        new MemberRegistration(
            curator, config.membersPath(), new Member(config.id(), config.advertisedHost(), muxPort, Math.max(clientPort, 0), admin.port()));
    registration.start();
    if (!registration.awaitRegistered(config.zookeeperConnectionTimeout())) {
      throw new IllegalStateException("could not register in ZooKeeper");
    }
    // Serve only once our own view of the ring includes us, or the first clients bounce as MOVED.
    awaitUntil(() -> view.ring().member(config.id()) != null, config.zookeeperConnectionTimeout());
    if (view.ring().member(config.id()) != null) {
      log.info("chat server {} joined the ring: version {}, {} members", config.id(), view.ring().version(), view.ring().size());
    } else {
      log.warn("chat server {} registered but not yet on its own view of the ring (version {})", config.id(), view.ring().version());
    }
    log.info("chat server {} up: mux port {}, direct port {}, admin port {}, {} transport, {} store",
        config.id(), muxPort, clientPort < 0 ? "off" : clientPort, admin.port(), transport, config.store().type());
    return this;
  }

  private int bind(Transport transport, int port, io.netty.channel.ChannelHandler initializer) throws InterruptedException {
    Channel channel =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(transport.serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(initializer)
            .bind(new InetSocketAddress(config.bindHost(), port))
            .sync()
            .channel();
    listeners.add(channel);
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Ready when the ring is known, this server is on it, ZooKeeper is connected and it is not draining. */
  public boolean isReady() {
    return !draining
        && view != null
        && curator.getZookeeperClient().isConnected()
        && view.ring().member(config.id()) != null;
  }

  public int muxPort() {
    return muxPort;
  }

  /** The direct TLS port, or -1 when the listener is off. */
  public int clientPort() {
    return clientPort;
  }

  public int adminPort() {
    return admin.port();
  }

  public String id() {
    return config.id();
  }

  /** The ZooKeeper client (tests use it to provoke session loss). */
  public CuratorFramework zookeeper() {
    return curator;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /**
   * Simulates a crash for tests: every connection drops at once and nothing is handed over; the
   * ZooKeeper session is left to expire (or the test expires it) like a dead process's would.
   */
  public void crash() {
    listeners.close();
    workerGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
    bossGroup.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly();
    closeQuietly(admin);
  }

  /** After {@link #crash()}: releases what a dead process would have released by dying. */
  public void cleanUpAfterCrash() {
    closeQuietly(store);
    if (blocking != null) {
      blocking.shutdownNow();
      timers.shutdownNow();
    }
    closeQuietly(view);
    closeQuietly(curator);
  }

  /** Graceful stop: leave the ring, hand sessions over, finish commits, close. */
  @Override
  public void close() {
    Duration drain = config.drainTimeout();
    log.info("chat server {} stopping: leaving the ring, then handing {} sessions over (at most {} ms)",
        config.id(), metrics == null ? 0 : metrics.sessions(), drain.toMillis());
    draining = true;
    if (ownership != null) {
      ownership.prepareLeave();
    }
    closeQuietly(registration); // leave the ring first, so the hand-over goes to the new owners
    if (view != null) {
      // So that the DRAINING closes below carry the ring without this server.
      awaitUntil(() -> view.ring().member(config.id()) == null, Duration.ofSeconds(2));
      boolean gone = view.ring().member(config.id()) == null;
      if (registration != null && gone) {
        log.info("chat server {} left the ring: version {}, {} members", config.id(), view.ring().version(), view.ring().size());
      } else if (registration != null) {
        log.warn("chat server {} still on its own view of the ring (version {}); handing over anyway", config.id(), view.ring().version());
      }
    }
    if (ownership != null) {
      long handOverStart = System.nanoTime();
      ownership.leave();
      // The GoAways/Closes must be written before the event loops stop.
      awaitUntil(() -> metrics == null || metrics.sessions() == 0, drain);
      log.info("chat server {} hand-over done after {} ms: {} sessions left", config.id(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - handOverStart), metrics == null ? 0 : metrics.sessions());
    }
    listeners.close().awaitUninterruptibly(drain.toMillis());
    if (workerGroup != null) {
      Transport.shutDown(workerGroup, drain.toMillis());
      Transport.shutDown(bossGroup, 1_000);
    }
    closeQuietly(store); // drains queued appends before returning
    if (blocking != null) {
      blocking.shutdown();
      timers.shutdownNow();
    }
    closeQuietly(admin);
    closeQuietly(view);
    closeQuietly(curator);
    log.info("chat server {} stopped", config.id());
  }

  /**
   * Waits until {@code condition} holds or {@code timeout} passes, polling: used only at start and
   * stop, where the events it waits for (a ZooKeeper view, sessions closing) have no future to join.
   */
  private static void awaitUntil(java.util.function.BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("error while stopping: {}", e.toString());
    }
  }
}
