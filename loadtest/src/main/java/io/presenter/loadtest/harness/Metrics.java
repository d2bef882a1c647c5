package io.presenter.loadtest.harness;

import java.util.ArrayList;
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
 * Counters and latency recorders shared by every simulated device; thread-safe. {@link #sample}
 * (called once a second by one thread) turns them into the per-second time series and the
 * cumulative histograms.
 */
final class Metrics {
  /** Latencies are recorded in microseconds, up to ten minutes. */
  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  /** One latency: a recorder written by the event loops and its run-long total. */
  static final class Latency {
    final String name;
    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    final Histogram total = new Histogram(HIGHEST_MICROS, 3);
    private Histogram interval;

    Latency(String name) {
      this.name = name;
    }

    void recordNanos(long nanos) {
      recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
    }

    /** Moves what was recorded since the last call into the total; returns that interval. */
    synchronized Histogram roll() {
      interval = recorder.getIntervalHistogram(interval);
      total.add(interval);
      return interval;
    }
  }

  final Latency connect = new Latency("connect");
  final Latency ack = new Latency("ack");
  final Latency delivery = new Latency("delivery");

  final LongAdder sent = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder sendFailed = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder duplicated = new LongAdder();
  final LongAdder outOfOrder = new LongAdder();
  final LongAdder seqMismatch = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger peakConnections = new AtomicInteger();
  final LongAdder connectFailed = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder errorCount = new LongAdder();

  volatile String phase = "ramp";
  final List<Map<String, Object>> series = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private long lastSent;
  private long lastAcked;
  private long lastDelivered;
  private long lastErrors;
  private long lastReconnects;

  /** Counts an error of a kind (a ServerError code, an exception class, "disconnect", ...). */
  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    errorCount.increment();
  }

  long errors() {
    return errorCount.sum();
  }

  Map<String, Long> errorsByKind() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  void connected() {
    int now = connections.incrementAndGet();
    peakConnections.accumulateAndGet(now, Math::max);
  }

  void disconnected() {
    connections.decrementAndGet();
  }

  /** One point of the time series: what happened since the previous call. */
  synchronized Map<String, Object> sample() {
    Histogram d = delivery.roll();
    Histogram a = ack.roll();
    Histogram c = connect.roll();
    long s = sent.sum();
    long ak = acked.sum();
    long dl = delivered.sum();
    long er = errorCount.sum();
    long rc = reconnects.sum();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("t", Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0);
    p.put("phase", phase);
    p.put("connections", connections.get());
    p.put("sent", s - lastSent);
    p.put("acked", ak - lastAcked);
    p.put("delivered", dl - lastDelivered);
    p.put("errors", er - lastErrors);
    p.put("reconnects", rc - lastReconnects);
    p.put("connectP99Ms", ms(c.getTotalCount() == 0 ? 0 : c.getValueAtPercentile(99)));
    p.put("ackP99Ms", ms(a.getTotalCount() == 0 ? 0 : a.getValueAtPercentile(99)));
    p.put("deliveryP50Ms", ms(d.getTotalCount() == 0 ? 0 : d.getValueAtPercentile(50)));
    p.put("deliveryP99Ms", ms(d.getTotalCount() == 0 ? 0 : d.getValueAtPercentile(99)));
    p.put("deliveryP999Ms", ms(d.getTotalCount() == 0 ? 0 : d.getValueAtPercentile(99.9)));
    p.put("deliveryMaxMs", ms(d.getMaxValue()));
    lastSent = s;
    lastAcked = ak;
    lastDelivered = dl;
    lastErrors = er;
    lastReconnects = rc;
    series.add(p);
    return p;
  }

  static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  /** count, p50, p90, p99, p999, max and mean of a total histogram, in milliseconds. */
  static Map<String, Object> summary(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    boolean empty = h.getTotalCount() == 0;
    m.put("p50", ms(empty ? 0 : h.getValueAtPercentile(50)));
    m.put("p90", ms(empty ? 0 : h.getValueAtPercentile(90)));
    m.put("p99", ms(empty ? 0 : h.getValueAtPercentile(99)));
    m.put("p999", ms(empty ? 0 : h.getValueAtPercentile(99.9)));
    m.put("max", ms(h.getMaxValue()));
    m.put("mean", empty ? 0.0 : Math.round(h.getMean() / 10.0) / 100.0);
    return m;
  }

  /** The percentile distribution: [percentile, ms] pairs at 0, 50, 75, 87.5, ... up to the max. */
  static List<double[]> distribution(Histogram h) {
    List<double[]> out = new ArrayList<>();
    if (h.getTotalCount() == 0) {
      return out;
    }
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
