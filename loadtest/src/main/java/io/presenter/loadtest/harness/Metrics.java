package io.presenter.loadtest.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The live counters and latency recorders of one process, shared by every simulated device;
 * thread-safe. {@link #sample} (called once a second by one thread) turns them into a {@link
 * Sample} of what happened since the previous call; {@link #totals} gives the run-long figures.
 * Counters and latencies are registered by name, so samples and totals travel between processes
 * and merge without knowing what they hold.
 */
final class Metrics {
  /** Latencies are recorded in microseconds, up to ten minutes. */
  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  /** One latency: a recorder written by the event loops and its run-long total. */
  static final class Latency {
    final String name;
    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    private final Histogram total = new Histogram(HIGHEST_MICROS, 3);
    private Histogram interval;

    Latency(String name) {
      this.name = name;
    }

    void recordNanos(long nanos) {
      recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
    }

    /** Moves what was recorded since the last call into the total; returns a copy of that interval. */
    synchronized Histogram roll() {
      interval = recorder.getIntervalHistogram(interval);
      total.add(interval);
      return interval.copy();
    }

    synchronized Histogram total() {
      return total.copy();
    }
  }

  private final Map<String, LongAdder> counters = new LinkedHashMap<>();
  private final Map<String, Latency> latencies = new LinkedHashMap<>();

  final Latency connect = latency("connect");
  final Latency ack = latency("ack");
  final Latency delivery = latency("delivery");
  final Latency handshakeFull = latency("handshake_full");
  final Latency handshakeResumed = latency("handshake_resumed");
  /** From a session's end to the next AuthOk (backoff included). */
  final Latency reconnect = latency("reconnect");

  final LongAdder sent = counter("sent");
  final LongAdder acked = counter("acked");
  final LongAdder sendFailed = counter("sendFailed");
  final LongAdder delivered = counter("delivered");
  final LongAdder duplicated = counter("duplicated");
  final LongAdder outOfOrder = counter("outOfOrder");
  final LongAdder seqMismatch = counter("seqMismatch");
  final LongAdder reconnects = counter("reconnects");
  /** Sessions a gateway asked to move (GoAway, e.g. a draining gateway): expected, not errors. */
  final LongAdder goAways = counter("goAways");
  final LongAdder errorCount = counter("errors");
  final LongAdder handshakesFull = counter("handshakesFull");
  final LongAdder handshakesResumed = counter("handshakesResumed");
  final LongAdder dropped = counter("dropped");
  /** Clients connected when the storm hit: it drops its share of these. */
  final LongAdder stormConnected = counter("stormConnected");
  final LongAdder typingSent = counter("typingSent");
  final LongAdder typingReceived = counter("typingReceived");
  final LongAdder receiptsSent = counter("receiptsSent");
  final LongAdder receiptsReceived = counter("receiptsReceived");
  final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger peakConnections = new AtomicInteger();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  /** Per gateway (in the options' order): connections that chose it, and those authenticated through it. */
  private LongAdder[][] perGateway = new LongAdder[0][];
  private List<Gateway> gateways = List.of();

  volatile String phase = Sample.RAMP;
  private final Map<String, Long> lastCounts = new LinkedHashMap<>();
  private final Map<String, Long> lastErrors = new LinkedHashMap<>();

  private LongAdder counter(String name) {
    LongAdder a = new LongAdder();
    counters.put(name, a);
    return a;
  }

  private Latency latency(String name) {
    Latency l = new Latency(name);
    latencies.put(name, l);
    return l;
  }

  /** Sets up the per-gateway counts; call before any connection. */
  void gateways(List<Gateway> list) {
    gateways = List.copyOf(list);
    perGateway = new LongAdder[list.size()][];
    for (int i = 0; i < list.size(); i++) {
      perGateway[i] = new LongAdder[] {new LongAdder(), new LongAdder()};
    }
  }

  void gatewayAssigned(int gateway) {
    perGateway[gateway][0].increment();
  }

  void gatewayAuthenticated(int gateway) {
    if (gateway >= 0) {
      perGateway[gateway][1].increment();
    }
  }

  /** The index of {@code address} in the run's gateway list, or -1 (not listed, or null). */
  int gatewayIndex(java.net.InetSocketAddress address) {
    for (int i = 0; address != null && i < gateways.size(); i++) {
      if (gateways.get(i).host().equals(address.getHostString()) && gateways.get(i).port() == address.getPort()) {
        return i;
      }
    }
    return -1;
  }

  /** The name of a per-gateway count in {@link Totals#counts}: {@code what} is assigned or authenticated. */
  static String gatewayCount(Gateway g, String what) {
    return "gateway " + g.address() + " " + what;
  }

  /** Counts an error of a kind (a ServerError code, an exception class, "disconnect: connection closed", ...). */
  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    errorCount.increment();
  }

  void connected() {
    int now = connections.incrementAndGet();
    peakConnections.accumulateAndGet(now, Math::max);
  }

  void disconnected() {
    connections.decrementAndGet();
  }

  /** What happened since the previous call, as second {@code second} of the run. */
  synchronized Sample sample(int second) {
    Map<String, Histogram> hist = new LinkedHashMap<>();
    latencies.forEach((name, l) -> hist.put(name, l.roll()));
    Map<String, Long> counts = new LinkedHashMap<>();
    counters.forEach((name, c) -> {
      long now = c.sum();
      counts.put(name, now - lastCounts.getOrDefault(name, 0L));
      lastCounts.put(name, now);
    });
    Map<String, Long> errorDelta = new TreeMap<>();
    errors.forEach((kind, c) -> {
      long now = c.sum();
      long d = now - lastErrors.getOrDefault(kind, 0L);
      if (d != 0) {
        errorDelta.put(kind, d);
      }
      lastErrors.put(kind, now);
    });
    return new Sample(second, phase, connections.get(), counts, errorDelta, hist);
  }

  /**
   * The run-long figures; {@code extra} adds counts only known at the end (lost, unresolved).
   * Call after the last {@link #sample} so the histogram totals hold everything.
   */
  synchronized Totals totals(Map<String, Long> extra) {
    Map<String, Long> counts = new LinkedHashMap<>();
    counters.forEach((name, c) -> counts.put(name, c.sum()));
    counts.putAll(extra);
    for (int i = 0; i < gateways.size(); i++) {
      counts.put(gatewayCount(gateways.get(i), "assigned"), perGateway[i][0].sum());
      counts.put(gatewayCount(gateways.get(i), "authenticated"), perGateway[i][1].sum());
    }
    Map<String, Long> errorsByKind = new TreeMap<>();
    errors.forEach((k, v) -> errorsByKind.put(k, v.sum()));
    Map<String, Histogram> hist = new LinkedHashMap<>();
    latencies.forEach((name, l) -> hist.put(name, l.total()));
    return new Totals(counts, errorsByKind, hist, peakConnections.get(), connections.get());
  }

  static Histogram newHistogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  static double percentileMs(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : ms(h.getValueAtPercentile(percentile));
  }

  /** count, p50, p90, p99, p999, max and mean of a total histogram, in milliseconds. */
  static Map<String, Object> summary(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    boolean empty = h.getTotalCount() == 0;
    m.put("p50", percentileMs(h, 50));
    m.put("p90", percentileMs(h, 90));
    m.put("p99", percentileMs(h, 99));
    m.put("p999", percentileMs(h, 99.9));
    m.put("max", ms(h.getMaxValue()));
    m.put("mean", empty ? 0.0 : Math.round(h.getMean() / 10.0) / 100.0);
    return m;
  }

  /** The percentile distribution: [percentile, ms] pairs at 0, 50, 75, 87.5, ... up to the max. */
  static List<double[]> distribution(Histogram h) {
    if (h.getTotalCount() == 0) {
      return Collections.emptyList();
    }
    List<double[]> out = new ArrayList<>();
    for (var v : h.percentiles(5)) {
      double pct = v.getPercentileLevelIteratedTo();
      out.add(new double[] {Math.min(pct, 100.0), ms(v.getValueIteratedTo())});
      if (pct >= 100.0) {
        break;
      }
    }
    return out;
  }
}
