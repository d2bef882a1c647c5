package io.presenter.loadtest.harness;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.presenter.client.PresenterClient;
import io.presenter.protocol.tls.TlsContexts;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import io.presenter.protocol.transport.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The couples of one process (all of the run, or one worker's slice) through the SDK, on one
 * shared event loop group: ramps them up at this process's share of the ramp rate, lets them send
 * for the duration, waits for outstanding acks and deliveries, and returns the totals. It hands a
 * {@link Sample} to a sink at every whole second after the start instant. Everything is bounded:
 * the ramp, the sending, the drain and the close each have a deadline.
 */
final class Simulation implements AutoCloseable {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final LoadtestOptions options;
  private final int firstCouple;
  private final int coupleCount;
  private final String runId;
  private final Metrics metrics = new Metrics();
  private final List<SimCouple> couples = new ArrayList<>();
  private final double totalWeight;
  private SslContext ssl;
  private TokenSigner signer;
  private EventLoopGroup group;
  private ZooKeeperGatewayDirectory directory;

  /** Couples {@code firstCouple .. firstCouple + couples - 1} of run {@code runId}. */
  Simulation(LoadtestOptions options, int firstCouple, int couples, String runId) {
    this.options = options;
    this.firstCouple = firstCouple;
    this.coupleCount = couples;
    this.runId = runId;
    this.totalWeight = options.gateways().stream().mapToDouble(Gateway::weight).sum();
    metrics.gateways(options.gateways());
  }

  /** Everything that may take a while before the start instant: TLS, keys, threads, couples. */
  void prepare() throws Exception {
    // One context for all clients: each files its sessions under its own key (a phone has its own
    // cache), so a first connection is a full handshake and a reconnect may resume.
    int connections = coupleCount * options.connectionsPerCouple();
    ssl = TlsContexts.client(options.ca().toFile(), Math.max(20_480, 3 * connections));
    if (!options.tlsResumption() && ssl.sessionContext() instanceof OpenSslSessionContext cache) {
      cache.setSessionCacheEnabled(false);
    }
    signer = new TokenSigner(TokenKeys.load(options.keyFile()));
    group = Transport.best().newGroup(options.threads(), new DefaultThreadFactory("loadtest", true));
    if (options.zookeeper() != null) {
      List<InetSocketAddress> fallback = options.gateways().stream()
          .map(g -> InetSocketAddress.createUnresolved(g.host(), g.port())).toList();
      directory = new ZooKeeperGatewayDirectory(options.zookeeper(), ZooKeeperGatewayDirectory.DEFAULT_PATH, fallback,
          Duration.ofSeconds(1));
    }
    double rate = options.idle() ? 0 : options.rate();
    for (int c = 0; c < coupleCount; c++) {
      couples.add(new SimCouple(metrics, options.size(), rate, options.devicesPerUser(), options.typingRate(), options.readEvery()));
    }
  }

  /** Runs from {@code startNanos} (System.nanoTime) on; returns this process's totals. */
  Totals run(long startNanos, Consumer<Sample> sink) throws InterruptedException {
    long wait = startNanos - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
    int perCouple = options.connectionsPerCouple();
    int total = perCouple * coupleCount;
    double ramp = options.ramp() * coupleCount / options.couples();
    int second = 1;
    // Ramp: connection i is due at i / ramp seconds.
    int opened = 0;
    long rampDeadline = startNanos + (long) (total / ramp * 1e9) + TimeUnit.SECONDS.toNanos(30);
    List<SimCouple> waiting = new ArrayList<>(couples);
    long sendStop = Long.MAX_VALUE;
    long stormNanos = options.storm() == null ? Long.MAX_VALUE : startNanos + options.storm().at().toNanos();
    while (true) {
      long now = System.nanoTime();
      while (opened < total && startNanos + (long) (opened / ramp * 1e9) <= now) {
        SimCouple.Device device = couples.get(opened / perCouple).devices().get(opened % perCouple);
        int global = perCouple * firstCouple + opened;
        int gateway = directory != null ? -1 : chooseGateway(global);
        if (gateway >= 0) {
          metrics.gatewayAssigned(gateway);
        }
        device.gateway = gateway;
        device.connect(client(gateway < 0 ? null : options.gateways().get(gateway), source(global), "lt-" + runId + "-" + (firstCouple + opened / perCouple),
            device, opened + 1));
        opened++;
      }
      // A couple starts sending once all its devices are authenticated, during the ramp too.
      waiting.removeIf(c -> {
        if (c.allUp()) {
          c.startSending(group.next());
          return true;
        }
        return false;
      });
      if (sendStop == Long.MAX_VALUE) {
        if (opened == total && (metrics.connections.get() >= total || now > rampDeadline)) {
          if (metrics.connections.get() < total) {
            metrics.error("ramp-timeout");
          }
          metrics.phase = Sample.STEADY;
          sendStop = now + options.duration().toNanos();
          for (SimCouple c : couples) {
            c.stopAt(sendStop);
          }
        }
      } else if (now >= sendStop) {
        break;
      }
      if (stormNanos != Long.MAX_VALUE && now >= stormNanos) {
        storm();
        stormNanos = Long.MAX_VALUE;
      }
      if (now >= startNanos + second * SECOND) {
        sink.accept(metrics.sample(second++));
      }
      Thread.sleep(opened < total ? 1 : 20);
    }
    // Drain: acks and deliveries still in flight. A backlog that still moves is not loss, so
    // the wait ends when everything settled, when nothing moved for the grace period, or at a
    // hard cap of five minutes.
    metrics.phase = Sample.DRAIN;
    long graceNanos = options.grace().toNanos();
    long hardEnd = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    long lastMove = System.nanoTime();
    long moved = metrics.acked.sum() + metrics.delivered.sum() + metrics.sendFailed.sum();
    while (!couples.stream().allMatch(SimCouple::settled)) {
      long now = System.nanoTime();
      long m = metrics.acked.sum() + metrics.delivered.sum() + metrics.sendFailed.sum();
      if (m != moved) {
        moved = m;
        lastMove = now;
      }
      if (now - lastMove >= graceNanos || now >= hardEnd) {
        break;
      }
      Thread.sleep(50);
      if (System.nanoTime() >= startNanos + second * SECOND) {
        sink.accept(metrics.sample(second++));
      }
    }
    long lost = 0;
    long lostDeliveries = 0;
    long unresolved = 0;
    for (SimCouple c : couples) {
      lost += c.lost();
      lostDeliveries += c.lostDeliveries();
      unresolved += c.unresolved();
    }
    metrics.phase = Sample.DONE;
    sink.accept(metrics.sample(second));
    return metrics.totals(Map.of("lost", lost, "lostDeliveries", lostDeliveries, "unresolved", unresolved));
  }

  /** Drops the storm's share of this process's connected clients at once, chosen at random. */
  private void storm() {
    List<SimCouple.Device> up = new ArrayList<>();
    for (SimCouple c : couples) {
      for (SimCouple.Device d : c.devices()) {
        if (d.up) {
          up.add(d);
        }
      }
    }
    Collections.shuffle(up);
    metrics.stormConnected.add(up.size());
    long n = Math.round(up.size() * options.storm().percent() / 100);
    for (int i = 0; i < n; i++) {
      up.get(i).drop();
    }
  }

  /**
   * The gateway of connection {@code global} of the run: in turn, like DNS round-robin, or at
   * random by weight, like weighted DNS. Reconnects of a client go to the same gateway.
   */
  private int chooseGateway(int global) {
    List<Gateway> gateways = options.gateways();
    if (!options.weighted()) {
      return global % gateways.size();
    }
    double pick = ThreadLocalRandom.current().nextDouble(totalWeight);
    for (int i = 0; i < gateways.size(); i++) {
      pick -= gateways.get(i).weight();
      if (pick < 0) {
        return i;
      }
    }
    return gateways.size() - 1;
  }

  /** Connection {@code global} of the run binds the source addresses in turn (null: the OS chooses). */
  private InetAddress source(int global) {
    List<InetAddress> sources = options.sources();
    return sources.isEmpty() ? null : sources.get(global % sources.size());
  }

  /** A client for {@code device}; {@code sessionKey} (1..) keeps its TLS sessions its own in the shared context. */
  private PresenterClient client(Gateway gateway, InetAddress source, String couple, SimCouple.Device device, int sessionKey) {
    Instant now = Instant.now();
    String token = signer.sign(new TokenClaims(device.user, couple, null, now, now.plus(Duration.ofHours(24))));
    PresenterClient.Builder builder = PresenterClient.builder();
    if (directory != null) {
      builder.gatewayChooser(directory::pick); // weighted DNS: every attempt, reconnects included
    } else {
      builder.gateway(gateway.host(), gateway.port());
    }
    return builder
        .sslContext(ssl)
        .tlsSessionKey(sessionKey)
        .tokens(() -> token)
        .deviceId(device.deviceId())
        .eventLoopGroup(group)
        .maxUnacked(10_000)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))
        .listener(device)
        .localAddress(source)
        .build();
  }

  /** Closes every client (bounded), then the event loops. */
  @Override
  public void close() throws InterruptedException {
    ExecutorService closer = Executors.newFixedThreadPool(4, new DefaultThreadFactory("loadtest-close", true));
    for (SimCouple c : couples) {
      for (SimCouple.Device d : c.devices()) {
        d.closing = true;
        if (d.client != null) {
          PresenterClient client = d.client;
          d.client = null;
          closer.execute(client::close);
        }
      }
    }
    closer.shutdown();
    if (!closer.awaitTermination(60, TimeUnit.SECONDS)) {
      closer.shutdownNow();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
    if (directory != null) {
      directory.close();
    }
  }
}
