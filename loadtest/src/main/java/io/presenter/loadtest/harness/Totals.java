package io.presenter.loadtest.harness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The run-long figures of one process, or of several merged: counters (including those only
 * known at the end, like lost), errors by kind, full latency histograms and connection peaks.
 *
 * @param peakConnections for merged totals, the sum of each process's peak (an upper bound; the
 *     report also takes the peak of the merged time series)
 */
record Totals(Map<String, Long> counts, Map<String, Long> errors, Map<String, Histogram> histograms, int peakConnections,
    int connectionsAtEnd) {
  static final Totals EMPTY = new Totals(Map.of(), Map.of(), Map.of(), 0, 0);

  Totals plus(Totals o) {
    return new Totals(sum(counts, o.counts), sum(errors, o.errors), add(histograms, o.histograms),
        peakConnections + o.peakConnections, connectionsAtEnd + o.connectionsAtEnd);
  }

  long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  Histogram histogram(String name) {
    Histogram h = histograms.get(name);
    return h == null ? Metrics.newHistogram() : h;
  }

  /** The same totals with one more count (e.g. worker-lost errors the coordinator saw). */
  Totals withError(String kind, long n) {
    Map<String, Long> c = new LinkedHashMap<>(counts);
    c.merge("errors", n, Long::sum);
    Map<String, Long> e = new TreeMap<>(errors);
    e.merge(kind, n, Long::sum);
    return new Totals(c, e, histograms, peakConnections, connectionsAtEnd);
  }

  static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> out = a instanceof TreeMap ? new TreeMap<>(a) : new LinkedHashMap<>(a);
    b.forEach((k, v) -> out.merge(k, v, Long::sum));
    return out;
  }

  static Map<String, Histogram> add(Map<String, Histogram> a, Map<String, Histogram> b) {
    Map<String, Histogram> out = new LinkedHashMap<>();
    a.forEach((k, v) -> out.put(k, v.copy()));
    b.forEach((k, v) -> out.merge(k, v.copy(), (x, y) -> {
      x.add(y);
      return x;
    }));
    return out;
  }
}
