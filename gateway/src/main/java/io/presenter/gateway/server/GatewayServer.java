package io.presenter.gateway.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.presenter.gateway.auth.AuthSettings;
import io.presenter.gateway.backend.BackendPool;
import io.presenter.gateway.backend.BackendPools;
import io.presenter.gateway.backend.BackendSettings;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.drain.DrainController;
import io.presenter.gateway.limits.ConnectionLimits;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.metrics.PeriodicStatsLog;
import io.presenter.gateway.routing.Router;
import io.presenter.gateway.tls.GatewayTls;
import io.presenter.gateway.weight.HostPort;
import io.presenter.gateway.weight.Rfc2136WeightPublisher;
import io.presenter.gateway.weight.Route53WeightPublisher;
import io.presenter.gateway.weight.WeightCalculator;
import io.presenter.gateway.weight.WeightPublisher;
import io.presenter.gateway.weight.WeightPublishing;
import io.presenter.gateway.weight.ZooKeeperLiveGateways;
import io.presenter.gateway.weight.ZooKeeperWeightPublisher;
import io.presenter.runtime.admin.AdminHttpServer;
import io.presenter.protocol.mux.MuxConfig;
import io.presenter.runtime.ring.GatewayDirectory;
import io.presenter.runtime.ring.MembershipView;
import io.presenter.runtime.ring.ZooKeeperClients;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenVerifier;
import io.presenter.protocol.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway process: the client TLS listener, the ring view and backend pools, the admin
 * endpoint. Client connections and their backend connections share event loops.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final GatewayConfig config;
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private GatewayMetrics metrics;
  private CuratorFramework curator;
  private SslContext tls;
  private MembershipView view;
  private BackendPools pools;
  private ConnectionLimits limits;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private Channel listener;
  // Every client connection; closed for good on stop, so one still registering then is closed too.
  private final ChannelGroup clients = new DefaultChannelGroup("gateway-clients", GlobalEventExecutor.INSTANCE, true);
  private AdminHttpServer admin;
  private DrainController drain;
  private WeightPublishing weights;
  private GatewayDirectory gateways; // the fleet, when an RFC 2136 publisher sweeps stale records

  public GatewayServer(GatewayConfig config) {
    this.config = config;
  }

  public GatewayServer start() throws Exception {
    try {
      return startServing();
    } catch (Exception | Error e) {
      close(); // what was started so far: ZooKeeper client, event loops, a bound listener
      throw e;
    }
  }

  private GatewayServer startServing() throws Exception {
    metrics = new GatewayMetrics(meters);
    curator = ZooKeeperClients.connect(config.zookeeperConnect(), config.zookeeperSessionTimeout(), config.zookeeperConnectionTimeout());
    Transport transport = Transport.best();
    bossGroup = transport.newGroup(1, new DefaultThreadFactory("gateway-accept"));
    workerGroup = transport.newGroup(config.eventLoopThreads(), new DefaultThreadFactory("gateway-io"));
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor executor : workerGroup) {
      loops.add((EventLoop) executor);
    }
    int perServer = config.backend().connectionsPerServer();
    List<EventLoop> slots = perServer <= 0 ? loops : slots(loops, perServer);
    MuxConfig mux =
        MuxConfig.defaults(config.id())
            .withMaxFrameSize(config.muxMaxFrameSize())
            .withInitialStreamWindow(config.muxInitialStreamWindow());
    GatewayConfig.Backend b = config.backend();
    pools = new BackendPools(slots, transport, mux, new BackendSettings(
        b.connectTimeout().toMillis(), b.pingInterval().toMillis(), b.maxMissedPings(),
        b.reconnectBackoffMin().toMillis(), b.reconnectBackoffMax().toMillis()));
    view = new MembershipView(curator, config.membersPath());
    view.addListener(pools);
    view.start();
    view.awaitInitialized(config.zookeeperConnectionTimeout());
    Router router = new Router(view, pools);
    registerGauges();

    TokenVerifier tokens = new TokenVerifier(TokenKeys.load(Path.of(config.tokenKeyFile())), config.tokenClockSkew(), Clock.systemUTC());
    limits = new ConnectionLimits(config.limits(), metrics);
    GatewayConfig.Drain d = config.drain();
    drain = new DrainController(
        new DrainController.Settings(d.window().toMillis(), d.quietPeriod().toMillis(), d.deadline().toMillis(), (int) d.retryAfter().toMillis()),
        limits, metrics, bossGroup.next());
    meters.gauge("presenter.gateway.draining", drain, c -> c.isDraining() ? 1 : 0);
    meters.gauge("presenter.gateway.drain.elapsed.seconds", drain, DrainController::drainingSeconds);
    meters.more().counter("presenter.gateway.drain.goaways", java.util.List.of(), drain, DrainController::goAwaysSent);
    meters.gauge("presenter.gateway.zookeeper.connected", curator, c -> c.getZookeeperClient().isConnected() ? 1 : 0);
    // Built (and their settings checked) before the listener opens: a bad DNS setting stops the
    // start before any client can connect.
    List<WeightPublisher> dnsPublishers = dnsPublishers();
    tls = GatewayTls.serverContext(config.tlsCertFile(), config.tlsKeyFile(), config.ticketKeys());
    GatewayPipeline pipeline =
        new GatewayPipeline(
            clients, limits, metrics, tls,
            new AuthSettings(config.maxAuthFrameBytes(), config.authTimeout().toMillis(), b.rerouteTimeout().toMillis()),
            tokens, router, drain);
    listener =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(pipeline)
            .bind(new InetSocketAddress(config.bindHost(), config.port()))
            .sync()
            .channel();
    weights = startWeightPublishing(dnsPublishers);
    meters.gauge("presenter.gateway.weight", weights, WeightPublishing::lastWeight);
    admin = new AdminHttpServer(config.adminHost(), config.adminPort(), meters::scrape, this::isReady);
    admin.route("/drain", exchange -> {
      if ("POST".equals(exchange.getRequestMethod())) {
        drain();
        AdminHttpServer.respond(exchange, 202, "application/json", drain.status());
      } else {
        AdminHttpServer.respond(exchange, 200, "application/json", drain.status());
      }
    });
    admin.start();
    bossGroup.next().scheduleAtFixedRate(new PeriodicStatsLog(metrics), 60, 60, TimeUnit.SECONDS);
    log.info("gateway {} up: client port {}, admin port {}, {} transport, TLS {}, {} shared ticket key(s), ring version {} with {} chat servers",
        config.id(), port(), admin.port(), transport, GatewayTls.providerName(tls), config.ticketKeys().size(),
        view.ring().version(), view.ring().size());
    return this;
  }

  /** ZooKeeper always (refreshed every interval: it carries the connection count), DNS when enabled. */
  private WeightPublishing startWeightPublishing(List<WeightPublisher> dnsPublishers) {
    GatewayConfig.Weights w = config.weights();
    HostPort address = w.advertisedAddress().isEmpty() ? new HostPort("127.0.0.1", port()) : HostPort.parse(w.advertisedAddress(), -1);
    WeightPublishing publishing = new WeightPublishing(config.id(), address, new WeightCalculator(config.limits().maxConnections()),
        () -> metrics.connections().get(), drain::isDraining, WeightPublishing::processCpu, meters);
    publishing.add(new ZooKeeperWeightPublisher(curator, w.path()), 1);
    for (WeightPublisher dns : dnsPublishers) {
      publishing.add(dns, w.refreshEvery());
    }
    return publishing.start(w.interval());
  }

  /** The enabled DNS publishers; their constructors reject incomplete settings. */
  private List<WeightPublisher> dnsPublishers() {
    GatewayConfig.Weights w = config.weights();
    List<WeightPublisher> dns = new ArrayList<>();
    if (w.rfc2136().enabled()) {
      gateways = new GatewayDirectory(curator, w.path());
      gateways.start();
      dns.add(new Rfc2136WeightPublisher(w.rfc2136(), new ZooKeeperLiveGateways(gateways)));
    }
    if (w.route53().enabled()) {
      dns.add(new Route53WeightPublisher(w.route53()));
    }
    return dns;
  }

  private static List<EventLoop> slots(List<EventLoop> loops, int n) {
    List<EventLoop> slots = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      slots.add(loops.get(i % loops.size()));
    }
    return slots;
  }

  private void registerGauges() {
    meters.gauge("presenter.gateway.ring.version", view, v -> v.ring().version());
    meters.gauge("presenter.gateway.ring.members", view, v -> v.ring().size());
    meters.gauge("presenter.gateway.backend.connections", pools, p -> p.pools().values().stream().mapToInt(BackendPool::liveConnections).sum());
    meters.gauge("presenter.gateway.backend.streams", pools, p -> p.pools().values().stream().mapToInt(BackendPool::streams).sum());
  }

  /**
   * Starts draining (idempotent): clients are asked to move, spread over the drain window; the
   * future completes when none is left and none arrived for the quiet period, or at the deadline.
   */
  public CompletableFuture<Void> drain() {
    // Out of DNS first: weight 0 is published (on the publishing thread) before any client is
    // asked to move.
    return drain.drain(weights::publishNow);
  }

  /** The weight of the last publishing round (0..100), -1 before the first. */
  public int publishedWeight() {
    return weights.lastWeight();
  }

  /** Ready when ZooKeeper is connected, the ring is known and at least one backend connection is up. */
  public boolean isReady() {
    return !drain.isDraining()
        && curator.getZookeeperClient().isConnected() && !view.ring().isEmpty() && pools.anyLive();
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  public int adminPort() {
    return admin.port();
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  @Override
  public void close() {
    log.info("gateway {} stopping", config.id());
    if (weights != null) {
      weights.close(); // out of ZooKeeper and DNS first, while ZooKeeper is still connected
    }
    if (listener != null) {
      listener.close().awaitUninterruptibly();
    }
    clients.close(); // their TLS engines are freed as they close; the event loops finish any left
    if (pools != null) {
      pools.close();
    }
    if (workerGroup != null) {
      Transport.shutDown(workerGroup, 3_000);
      Transport.shutDown(bossGroup, 1_000);
    }
    if (tls != null) {
      ReferenceCountUtil.release(tls); // after the event loops: every connection's engine is released
      tls = null;
    }
    if (admin != null) {
      admin.close();
    }
    if (view != null) {
      view.close();
    }
    if (gateways != null) {
      gateways.close();
    }
    if (curator != null) {
      curator.close();
    }
    log.info("gateway {} stopped", config.id());
  }
}
