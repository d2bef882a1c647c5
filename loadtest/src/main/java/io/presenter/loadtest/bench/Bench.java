package io.presenter.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * One benchmark run against a gateway or a chat server's direct TLS port, in bounded phases:
 * (a) connect and authenticate every client (full handshakes), (b) close some and reconnect
 * them with TLS session resumption, (c) hold all connections idle, (d) open-loop relay latency
 * between partners, then close everything. Returns the report; {@code errors} counts every
 * failure.
 */
public final class Bench {
  private final BenchOptions options;
  private final BenchStats stats = new BenchStats();
  private final BenchReport report = new BenchReport();
  private final ProcessCpu cpu;

  public Bench(BenchOptions options) {
    this.options = options;
    this.cpu = new ProcessCpu(options.cpuPids());
  }

  /** Runs every phase and returns the report as nested maps (also written to {@code options.out()}). */
  public Map<String, Object> run() throws Exception {
    int n = options.connections();
    BenchConn[] conns = new BenchConn[n];
    report.root.put("target", options.host() + ":" + options.port());
    GatewayCounters gateway = options.adminUrl() == null ? null : new GatewayCounters(options.adminUrl());
    try (BenchClient client = new BenchClient(options, stats)) {
      report.root.put("transport", client.transport().name());
      report.root.put("connections", n);
      report.root.put("concurrency", options.concurrency());
      report.root.put("sources", options.sources().size());
      ConnectPhase connect = new ConnectPhase(client, options.concurrency());

      progress("connecting %d clients, %d in flight", n, options.concurrency());
      Map<String, Double> cpuBefore = cpu.sample();
      ConnectPhase.Result full = connect.run(range(0, n), conns, phaseTimeout(n));
      report.root.put("full", BenchReport.phase(full));
      report.section("full").put("cpuSeconds", ProcessCpu.delta(cpuBefore, cpu.sample()));
      progress("full: %d/%d authenticated in %.1f s (%.0f/s)", full.authenticated(), n, full.seconds(), full.perSecond());

      resumePhase(connect, conns, gateway);
      holdPhase(conns);
      relayPhase(conns);

      closeAll(conns);
    }
    report.root.put("errors", stats.errors.sum());
    report.root.put("unexpectedCloses", stats.unexpectedCloses.sum());
    report.root.put("firstError", stats.firstError());
    if (options.out() != null) {
      report.write(options.out());
    }
    System.out.print(report.summary());
    System.out.flush();
    return report.root;
  }

  /** (b) Closes the first M clients, then reconnects them through the client's session cache. */
  private void resumePhase(ConnectPhase connect, BenchConn[] conns, GatewayCounters gateway) throws InterruptedException {
    int m = options.resumeCount();
    if (m == 0) {
      return;
    }
    List<Integer> again = new ArrayList<>();
    for (int i = 0; i < n() && again.size() < m; i++) {
      if (conns[i] != null) {
        again.add(i);
        conns[i].close();
      }
    }
    for (int i : again) {
      conns[i].channel().closeFuture().await(5, TimeUnit.SECONDS);
    }
    double before = gateway == null ? -1 : gateway.handshakes("resumed");
    progress("reconnecting %d clients with session resumption", again.size());
    BenchConn[] reopened = new BenchConn[again.size()];
    Map<String, Double> cpuBefore = cpu.sample();
    ConnectPhase.Result r = connect.run(again, reopened, phaseTimeout(again.size()));
    Map<String, Object> cpuUsed = ProcessCpu.delta(cpuBefore, cpu.sample());
    for (int k = 0; k < again.size(); k++) {
      conns[again.get(k)] = reopened[k];
    }
    Map<String, Object> section = BenchReport.phase(r);
    section.put("cpuSeconds", cpuUsed);
    if (gateway != null) {
      double after = gateway.handshakes("resumed");
      section.put("gatewayResumedDelta", before < 0 || after < 0 ? -1 : after - before);
    }
    report.root.put("resumed", section);
    progress("resumed: %d/%d authenticated (%d resumed) in %.1f s (%.0f/s)", r.authenticated(), again.size(), r.resumed(), r.seconds(), r.perSecond());
  }

  /** (c) Every connection idle for the hold time; the operator measures memory meanwhile. */
  private void holdPhase(BenchConn[] conns) throws InterruptedException {
    int open = countOpen(conns);
    progress("HOLD %d authenticated connections idle for %d s", open, options.holdSeconds());
    Thread.sleep(TimeUnit.SECONDS.toMillis(options.holdSeconds()));
    int still = countOpen(conns);
    Map<String, Object> hold = report.section("hold");
    hold.put("seconds", options.holdSeconds());
    hold.put("openAtStart", open);
    hold.put("openAtEnd", still);
    progress("HOLD END %d still open", still);
  }

  /** (d) Client 2k sends, client 2k+1 (its partner) receives. */
  private void relayPhase(BenchConn[] conns) throws InterruptedException {
    int couples = options.relayCouples();
    BenchConn[] senders = new BenchConn[couples];
    for (int k = 0; k < couples; k++) {
      senders[k] = conns[2 * k];
    }
    progress("relay: %d msg/s for %d s from %d couples", options.messagesPerSecond(), options.relaySeconds(), couples);
    Map<String, Double> cpuBefore = cpu.sample();
    RelayPhase.Result r = new RelayPhase(stats).run(senders, options.messagesPerSecond(), options.relaySeconds());
    Map<String, Object> relay = report.section("relay");
    relay.put("cpuSeconds", ProcessCpu.delta(cpuBefore, cpu.sample()));
    relay.put("rate", options.messagesPerSecond());
    relay.put("seconds", options.relaySeconds());
    relay.put("couples", couples);
    relay.put("sent", r.sent());
    relay.put("warmupNotRecorded", stats.relayedBeforeWarmup.sum());
    relay.put("recorded", stats.relayed.sum());
    relay.put("lost", r.sent() - stats.relayedBeforeWarmup.sum() - stats.relayed.sum());
    relay.put("acks", stats.acks.sum());
    relay.put("sendsBehindScheduleOver1ms", r.sendsBehindSchedule());
    relay.put("latencyMs", BenchReport.latency(stats.relay));
  }

  private void closeAll(BenchConn[] conns) throws InterruptedException {
    for (BenchConn c : conns) {
      if (c != null) {
        c.close();
      }
    }
    for (BenchConn c : conns) {
      if (c != null && c.channel() != null) {
        c.channel().closeFuture().await(5, TimeUnit.SECONDS);
      }
    }
  }

  private int n() {
    return options.connections();
  }

  private static int countOpen(BenchConn[] conns) {
    int open = 0;
    for (BenchConn c : conns) {
      open += c != null && c.channel() != null && c.channel().isActive() ? 1 : 0;
    }
    return open;
  }

  /** Generous but bounded: one minute plus 20 ms per connection. */
  private static long phaseTimeout(int count) {
    return TimeUnit.SECONDS.toNanos(60) + TimeUnit.MILLISECONDS.toNanos(20L * count);
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }

  private static void progress(String format, Object... args) {
    System.out.printf("bench: " + format + "%n", args);
    System.out.flush();
  }
}
