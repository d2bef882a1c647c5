package io.presenter.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a random time in
 * {@code [0, min(max, min * 2^n)]}. A server's {@code retryAfterMillis} is a floor, plus 0-20 %
 * jitter so that the clients of a drained server do not all return at once. Not thread-safe.
 */
final class Backoff {
  private final long minMillis;
  private final long maxMillis;
  private int failures;

  Backoff(long minMillis, long maxMillis) {
    if (minMillis < 0 || maxMillis < minMillis) {
      throw new IllegalArgumentException("need 0 <= min <= max: " + minMillis + ", " + maxMillis);
    }
    this.minMillis = minMillis;
    this.maxMillis = maxMillis;
  }

  /** The delay before the next attempt; counts one more failure. */
  long next(long retryAfterMillis) {
    long cap = Math.min(maxMillis, minMillis << Math.min(failures, 30));
    failures++;
    long delay = ThreadLocalRandom.current().nextLong(cap + 1);
    if (retryAfterMillis > 0) {
      long floor = retryAfterMillis + ThreadLocalRandom.current().nextLong(retryAfterMillis / 5 + 1);
      delay = Math.max(delay, floor);
    }
    return delay;
  }

  void reset() {
    failures = 0;
  }
}
