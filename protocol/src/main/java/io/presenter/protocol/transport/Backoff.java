package io.presenter.protocol.transport;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with <em>full jitter</em>: after the n-th consecutive failure (n from 0)
 * the delay is drawn uniformly from {@code [0, min(max, min * 2^n)]}, so many parties that failed
 * together (the clients of a stopped chat server, the gateways reconnecting to a restarted one)
 * spread their retries over the whole interval. A server's {@code retryAfterMillis} hint is a
 * floor, with 0-20 % jitter on top so that the clients of a drained server do not all return at
 * once. {@link #reset()} after a success. Not thread-safe: one instance per retrying party.
 */
public final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  private final RandomGenerator random;
  private int failures;

  /** @throws IllegalArgumentException unless {@code 0 <= minMillis <= maxMillis} */
  public Backoff(long minMillis, long maxMillis) {
    this(minMillis, maxMillis, null);
  }

  /** With a given random source (tests); null for the thread's own. */
  Backoff(long minMillis, long maxMillis, RandomGenerator random) {
    if (minMillis < 0 || maxMillis < minMillis) {
      throw new IllegalArgumentException("need 0 <= min <= max: " + minMillis + ", " + maxMillis);
    }
    this.minMillis = minMillis;
    this.maxMillis = maxMillis;
    this.random = random;
  }

  /** The delay before the next attempt; counts one more failure. */
  public long next() {
    return next(0);
  }

  /** {@link #next()}, but at least {@code retryAfterMillis} (plus up to 20 %) when that is positive. */
  public long next(long retryAfterMillis) {
    RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
    long cap = Math.min(maxMillis, minMillis << Math.min(failures, 30));
    failures++;
    long delay = r.nextLong(cap + 1);
    if (retryAfterMillis > 0) {
      long floor = retryAfterMillis + r.nextLong(retryAfterMillis / 5 + 1);
      delay = Math.max(delay, floor);
    }
    return delay;
  }

  /** The next attempt is the first again. */
  public void reset() {
    failures = 0;
  }
}
