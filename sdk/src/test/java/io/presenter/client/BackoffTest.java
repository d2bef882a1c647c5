package io.presenter.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void growsUpToTheMaximumWithFullJitterAndResets() {
    Backoff b = new Backoff(100, 1000);
    for (int i = 0; i < 50; i++) {
      long cap = Math.min(1000, 100L << i);
      assertThat(b.next(0)).isBetween(0L, cap);
    }
    b.reset();
    assertThat(b.next(0)).isBetween(0L, 100L);
  }

  @Test
  void retryAfterIsAFloorWithUpToTwentyPercentOnTop() {
    Backoff b = new Backoff(10, 20);
    for (int i = 0; i < 50; i++) {
      assertThat(b.next(5000)).isBetween(5000L, 6000L);
    }
  }
}
