package io.presenter.loadtest.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Merges what several processes report into one run: samples of the same second are summed
 * (counts, connections, histograms), final totals are summed, and running figures (counts so far,
 * the run's delivery histogram) feed the progress line. A second every process has reported is
 * reduced to its time-series point, so its interval histograms (about 1 MB a second) are not
 * kept for the whole run. With one process it is a pass-through. Thread-safe: reader threads
 * add, the coordinator's loop takes.
 */
final class Aggregate {
  private final int processes;
  private final TreeMap<Integer, Sample> pending = new TreeMap<>();
  private final List<Map<String, Object>> points = new ArrayList<>();
  private final int[] lastSecond;
  private final boolean[] gone;
  private final Totals[] finals;
  private final int[] connections;
  private Map<String, Long> running = Map.of();
  private final Histogram deliveryRun = Metrics.newHistogram();
  private int handedOut;

  Aggregate(int processes) {
    this.processes = processes;
    this.lastSecond = new int[processes];
    this.gone = new boolean[processes];
    this.finals = new Totals[processes];
    this.connections = new int[processes];
    Arrays.fill(lastSecond, -1);
  }

  int processes() {
    return processes;
  }

  synchronized void add(int process, Sample s) {
    if (s.second() > handedOut) { // else a second already closed (only a lost process is that late)
      pending.merge(s.second(), s, Sample::plus);
    }
    lastSecond[process] = Math.max(lastSecond[process], s.second());
    connections[process] = s.connections();
    running = Totals.sum(running, s.counts());
    Histogram d = s.histograms().get("delivery");
    if (d != null) {
      deliveryRun.add(d);
    }
  }

  /** The process's final totals; it reports nothing after them. */
  synchronized void finish(int process, Totals t) {
    finals[process] = t;
    gone[process] = true;
  }

  /** The process died or went silent: it is no longer waited for. */
  synchronized void lost(int process) {
    gone[process] = true;
    connections[process] = 0;
  }

  synchronized boolean finished(int process) {
    return finals[process] != null;
  }

  /**
   * Merged seconds that every live process has reported (all of them once {@code flush} is
   * set), in order; they become points of the time series and are handed out once.
   */
  synchronized List<Sample> takeComplete(boolean flush) {
    int upTo = Integer.MAX_VALUE;
    for (int p = 0; p < processes; p++) {
      if (!gone[p]) {
        upTo = Math.min(upTo, lastSecond[p]);
      }
    }
    List<Sample> out = new ArrayList<>();
    while (!pending.isEmpty() && (flush || pending.firstKey() <= upTo)) {
      Sample s = pending.pollFirstEntry().getValue();
      out.add(s);
      points.add(s.point());
      handedOut = s.second();
    }
    return out;
  }

  synchronized long running(String count) {
    return running.getOrDefault(count, 0L);
  }

  synchronized int connectionsNow() {
    return Arrays.stream(connections).sum();
  }

  synchronized double deliveryP99Ms() {
    return Metrics.percentileMs(deliveryRun, 99);
  }

  /** The time series: a point for every merged second, in order. */
  synchronized List<Map<String, Object>> series() {
    List<Map<String, Object>> all = new ArrayList<>(points);
    pending.values().forEach(s -> all.add(s.point()));
    return all;
  }

  /** The sum of the final totals received. */
  synchronized Totals totals() {
    Totals t = Totals.EMPTY;
    for (Totals f : finals) {
      if (f != null) {
        t = t.plus(f);
      }
    }
    return t;
  }

  /** The highest connection count: exact for one process, else the peak of the merged series or of any one process. */
  synchronized int peakConnections() {
    if (processes == 1) {
      return finals[0] == null ? 0 : finals[0].peakConnections();
    }
    int peak = 0;
    for (Map<String, Object> p : series()) {
      peak = Math.max(peak, ((Number) p.get("connections")).intValue());
    }
    for (Totals f : finals) {
      peak = f == null ? peak : Math.max(peak, f.peakConnections());
    }
    return peak;
  }
}
