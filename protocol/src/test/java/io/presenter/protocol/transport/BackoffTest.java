package io.presenter.protocol.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void eachDelayIsWithinZeroAndTheDoublingCapAndResetStartsOver() {
    Backoff b = new Backoff(100, 1000, new Random(1));
    for (int i = 0; i < 50; i++) {
      long cap = Math.min(1000, 100L << i);
      assertThat(b.next()).isBetween(0L, cap);
    }
    b.reset();
    assertThat(b.next()).isBetween(0L, 100L);
  }

  @Test
  void jitterIsFullDelaysCoverTheWholeIntervalNotJustItsUpperHalf() {
    Backoff b = new Backoff(1000, 1000, new Random(2));
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      delays.add(b.next());
    }
    assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(0L, 1000L));
    assertThat(delays.stream().filter(d -> d < 250).count()).as("delays in the lowest quarter").isGreaterThan(50);
    assertThat(delays.stream().filter(d -> d > 750).count()).as("delays in the highest quarter").isGreaterThan(50);
  }

  @Test
  void retryAfterIsAFloorWithUpToTwentyPercentOnTop() {
    Backoff b = new Backoff(10, 20, new Random(3));
    for (int i = 0; i < 50; i++) {
      assertThat(b.next(5000)).isBetween(5000L, 6000L);
    }
  }

  @Test
  void aLongRunOfFailuresDoesNotOverflow() {
    Backoff b = new Backoff(1, Long.MAX_VALUE / 2, new Random(4));
    for (int i = 0; i < 100; i++) {
      assertThat(b.next()).isBetween(0L, 1L << 30);
    }
  }

  @Test
  void minMustNotExceedMax() {
    assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(-1, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
