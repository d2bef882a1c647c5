package io.presenter.loadtest.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Counters and latency histograms shared by every connection of one run; thread-safe. */
final class BenchStats {
  /** Latencies are recorded in microseconds, up to two minutes. */
  static Histogram newHistogram() {
    return new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(2), 3);
  }

  final LongAdder errors = new LongAdder();
  final LongAdder unexpectedCloses = new LongAdder();
  final LongAdder acks = new LongAdder();
  final LongAdder relayed = new LongAdder();
  final LongAdder relayedBeforeWarmup = new LongAdder();
  final Histogram relay = newHistogram();
  /** Messages whose intended send time is before this (System.nanoTime) are not recorded. */
  volatile long relayRecordFromNanos = Long.MAX_VALUE;

  private final java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();

  /** Counts an error and remembers the first one, for the summary. */
  void error(Throwable cause) {
    errors.increment();
    firstError.compareAndSet(null, String.valueOf(cause));
  }

  String firstError() {
    return firstError.get();
  }

  /** A partner received a relayed message intended to be sent at {@code intendedNanos}. */
  void relayed(long intendedNanos, long nowNanos) {
    if (intendedNanos < relayRecordFromNanos) {
      relayedBeforeWarmup.increment();
      return;
    }
    relayed.increment();
    relay.recordValue(Math.min(relay.getHighestTrackableValue(), Math.max(0, (nowNanos - intendedNanos) / 1000)));
  }

  static void record(Histogram h, long nanos) {
    h.recordValue(Math.min(h.getHighestTrackableValue(), Math.max(0, nanos / 1000)));
  }
}
