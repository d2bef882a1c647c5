package io.presenter.loadtest.harness;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.presenter.client.PresenterClient;
import io.presenter.protocol.tls.TlsContexts;
import io.presenter.protocol.token.TokenClaims;
import io.presenter.protocol.token.TokenKeys;
import io.presenter.protocol.token.TokenSigner;
import io.presenter.protocol.transport.Transport;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code presenter loadtest}: ramps up C couples through the SDK (one shared event loop group),
 * lets them send for the duration, waits a grace period for acks and deliveries, and writes the
 * report. Everything is bounded: the ramp, the sending, the grace and the close each have a
 * deadline.
 */
public final class Loadtest {
  private final LoadtestOptions options;
  private final PrintStream out;
  private final Metrics metrics = new Metrics();
  private final List<SimCouple> couples = new ArrayList<>();
  private final String runId = Long.toString(System.currentTimeMillis(), 36);

  public Loadtest(LoadtestOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs the whole test; the report says whether it passed. */
  public LoadReport run() throws Exception {
    Instant started = Instant.now();
    SslContext ssl = TlsContexts.client(options.ca().toFile());
    TokenSigner signer = new TokenSigner(TokenKeys.load(options.keyFile()));
    EventLoopGroup group = Transport.best().newGroup(options.threads(), new DefaultThreadFactory("loadtest", true));
    Progress progress = new Progress(out, metrics, 2 * options.couples());
    try {
      int total = 2 * options.couples();
      long start = System.nanoTime();
      long nextSample = start + TimeUnit.SECONDS.toNanos(1);
      // Ramp: connection i is due at i / ramp seconds; gateways in turn, like DNS round-robin.
      int opened = 0;
      long rampDeadline = start + (long) (total / options.ramp() * 1e9) + TimeUnit.SECONDS.toNanos(30);
      for (int c = 0; c < options.couples(); c++) {
        couples.add(new SimCouple(metrics, options.size(), options.rate()));
      }
      List<SimCouple> waiting = new ArrayList<>(couples);
      long sendStop = Long.MAX_VALUE;
      while (true) {
        long now = System.nanoTime();
        while (opened < total && start + (long) (opened / options.ramp() * 1e9) <= now) {
          SimCouple couple = couples.get(opened / 2);
          SimCouple.Device device = opened % 2 == 0 ? couple.b : couple.a;
          String user = opened % 2 == 0 ? "b" : "a";
          device.connect(client(ssl, signer, group, options.gateways().get(opened % options.gateways().size()),
              "lt-" + runId + "-" + (opened / 2), user, device));
          opened++;
        }
        // A couple starts sending once both partners are authenticated, during the ramp too.
        waiting.removeIf(c -> {
          if (c.bothUp()) {
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
            metrics.phase = "steady";
            sendStop = now + options.duration().toNanos();
            for (SimCouple c : couples) {
              c.stopAt(sendStop);
            }
          }
        } else if (now >= sendStop) {
          break;
        }
        if (now >= nextSample) {
          progress.tick(metrics.sample());
          nextSample += TimeUnit.SECONDS.toNanos(1);
        }
        Thread.sleep(opened < total ? 1 : 20);
      }
      // Drain: acks and deliveries still in flight. A backlog that still moves is not loss, so
      // the wait ends when everything settled, when nothing moved for the grace period, or at a
      // hard cap of five minutes.
      metrics.phase = "drain";
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
        if (System.nanoTime() >= nextSample) {
          progress.tick(metrics.sample());
          nextSample += TimeUnit.SECONDS.toNanos(1);
        }
      }
      long lost = 0;
      long unresolved = 0;
      for (SimCouple c : couples) {
        lost += c.lost();
        unresolved += c.unresolved();
      }
      metrics.phase = "done";
      progress.tick(metrics.sample());
      progress.finish();
      LoadReport report = new LoadReport(options, metrics, started, lost, unresolved);
      closeAll();
      return report;
    } finally {
      closeAll();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  private PresenterClient client(SslContext ssl, TokenSigner signer, EventLoopGroup group, InetSocketAddress gateway,
      String couple, String user, SimCouple.Device listener) {
    Instant now = Instant.now();
    String token = signer.sign(new TokenClaims(user, couple, null, now, now.plus(Duration.ofHours(24))));
    return PresenterClient.builder()
        .gateway(gateway.getHostString(), gateway.getPort())
        .sslContext(ssl)
        .tokens(() -> token)
        .deviceId(user + "-1")
        .eventLoopGroup(group)
        .maxUnacked(10_000)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))
        .listener(listener)
        .build();
  }

  private void closeAll() throws InterruptedException {
    ExecutorService closer = Executors.newFixedThreadPool(4, new DefaultThreadFactory("loadtest-close", true));
    for (SimCouple c : couples) {
      for (SimCouple.Device d : List.of(c.a, c.b)) {
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
  }

  Map<String, Object> lastSample() {
    return metrics.series.isEmpty() ? Map.of() : metrics.series.get(metrics.series.size() - 1);
  }
}
