package io.presenter.loadtest.bench;

import io.presenter.protocol.client.ClientFrames;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop relay latency: the first client of each of K couples sends in turn, at a fixed total
 * rate, a message whose body starts with its <em>intended</em> send time (System.nanoTime; sender
 * and receiver share this process). The partner records receive time minus intended time, so a
 * stall delays every later message's measurement too (no coordinated omission). The first
 * {@link #WARMUP_FRACTION} of the run (at most 2 s) is sent but not recorded.
 */
final class RelayPhase {
  static final double WARMUP_FRACTION = 0.2;
  private static final int BODY_BYTES = 32;

  /** What was sent and how long the stragglers were waited for. */
  record Result(long sent, long sendsBehindSchedule, double seconds) {}

  private final BenchStats stats;

  RelayPhase(BenchStats stats) {
    this.stats = stats;
  }

  /** Sends {@code rate * seconds} messages from {@code senders} (couple by couple), then waits up to 5 s for them to arrive. */
  Result run(BenchConn[] senders, int rate, int seconds) throws InterruptedException {
    long total = (long) rate * seconds;
    if (senders.length == 0 || total == 0) {
      return new Result(0, 0, 0);
    }
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long warmup = Math.min(TimeUnit.SECONDS.toNanos(2), (long) (TimeUnit.SECONDS.toNanos(seconds) * WARMUP_FRACTION));
    stats.relayRecordFromNanos = start + warmup;
    long behind = 0;
    for (long j = 0; j < total; j++) {
      long intended = start + j * interval;
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else if (wait < -TimeUnit.MILLISECONDS.toNanos(1)) {
        behind++;
      }
      BenchConn sender = senders[(int) (j % senders.length)];
      if (sender == null || !sender.channel().isActive()) {
        continue;
      }
      byte[] body = ByteBuffer.allocate(BODY_BYTES).putLong(intended).array();
      sender.send(ClientFrames.send("r" + j, 1, body));
    }
    double sent = (System.nanoTime() - start) / 1e9;
    long expected = total - countBeforeWarmup(total, interval, warmup);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (stats.relayed.sum() < expected && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    return new Result(total, behind, sent);
  }

  private static long countBeforeWarmup(long total, long interval, long warmup) {
    return Math.min(total, (warmup + interval - 1) / interval);
  }
}
