package io.presenter.loadtest.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one process (or, merged, the whole run) did in one second of the run: counter deltas,
 * errors by kind, the connections open at its end and the latencies recorded in it.
 *
 * @param second seconds since the run's common start instant, at the end of this interval
 * @param phase the least advanced phase of the processes merged into it
 */
record Sample(int second, String phase, int connections, Map<String, Long> counts, Map<String, Long> errors,
    Map<String, Histogram> histograms) {
  static final String RAMP = "ramp";
  static final String STEADY = "steady";
  static final String DRAIN = "drain";
  static final String DONE = "done";
  private static final List<String> PHASES = List.of(RAMP, STEADY, DRAIN, DONE);

  /** The sum of two processes' samples of the same second. */
  Sample plus(Sample o) {
    String p = PHASES.indexOf(o.phase) < PHASES.indexOf(phase) ? o.phase : phase;
    return new Sample(second, p, connections + o.connections, Totals.sum(counts, o.counts), Totals.sum(errors, o.errors),
        Totals.add(histograms, o.histograms));
  }

  long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  private Histogram histogram(String name) {
    Histogram h = histograms.get(name);
    return h == null ? Metrics.newHistogram() : h;
  }

  /** One point of the report's time series. */
  Map<String, Object> point() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("t", second);
    p.put("phase", phase);
    p.put("connections", connections);
    for (String c : List.of("sent", "acked", "delivered", "errors", "reconnects")) {
      p.put(c, count(c));
    }
    p.put("connectP99Ms", Metrics.percentileMs(histogram("connect"), 99));
    p.put("ackP99Ms", Metrics.percentileMs(histogram("ack"), 99));
    Histogram d = histogram("delivery");
    p.put("deliveryP50Ms", Metrics.percentileMs(d, 50));
    p.put("deliveryP99Ms", Metrics.percentileMs(d, 99));
    p.put("deliveryP999Ms", Metrics.percentileMs(d, 99.9));
    p.put("deliveryMaxMs", Metrics.ms(d.getMaxValue()));
    if (!errors.isEmpty()) {
      p.put("errorsByKind", new TreeMap<>(errors));
    }
    return p;
  }
}
