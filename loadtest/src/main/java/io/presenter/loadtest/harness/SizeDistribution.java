package io.presenter.loadtest.harness;

import java.util.concurrent.ThreadLocalRandom;

/** Message body sizes: a fixed size ({@code "500"}) or uniform in a range ({@code "100-2000"}). */
public record SizeDistribution(int min, int max) {
  /** The body carries the intended send time and the message index: 16 bytes at least. */
  public static final int HEADER_BYTES = 16;

  public SizeDistribution {
    if (min < HEADER_BYTES || max < min || max > io.presenter.client.PresenterClient.MAX_BODY_BYTES) {
      throw new IllegalArgumentException("sizes must be between " + HEADER_BYTES + " and "
          + io.presenter.client.PresenterClient.MAX_BODY_BYTES + " bytes, low-high, not " + min + "-" + max);
    }
  }

  public static SizeDistribution parse(String spec) {
    try {
      int dash = spec.indexOf('-');
      if (dash < 0) {
        int n = Integer.parseInt(spec.trim());
        return new SizeDistribution(n, n);
      }
      return new SizeDistribution(Integer.parseInt(spec.substring(0, dash).trim()), Integer.parseInt(spec.substring(dash + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--size must be BYTES or LOW-HIGH, not " + spec);
    }
  }

  int next() {
    return min == max ? min : ThreadLocalRandom.current().nextInt(min, max + 1);
  }

  @Override
  public String toString() {
    return min == max ? Integer.toString(min) : min + "-" + max;
  }
}
