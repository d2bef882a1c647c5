package io.presenter.gateway.weight;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeightCalculatorTest {
  @Test
  void idleGatewaysWeighMoreThanBusyOnesAndDrainingWeighsNothing() {
    assertThat(new WeightCalculator(1000).weight(0, 0.0, false)).isEqualTo(100);
    assertThat(new WeightCalculator(1000).weight(500, 0.0, false)).isEqualTo(50);
    assertThat(new WeightCalculator(1000).weight(500, 0.5, false)).isEqualTo(25);
    assertThat(new WeightCalculator(1000).weight(1000, 0.0, false)).as("full, but never 0").isEqualTo(1);
    assertThat(new WeightCalculator(1000).weight(10, 0.1, true)).isZero();
  }

  @Test
  void cpuIsSmoothedAndSmallChangesAreNotPublished() {
    WeightCalculator calc = new WeightCalculator(1000);
    assertThat(calc.toPublish(0, 0.0, false)).isEqualTo(100);
    // One busy sample moves the smoothed CPU by 30 % of the jump, not all of it.
    assertThat(calc.weight(0, 1.0, false)).isEqualTo(70);
    WeightCalculator steady = new WeightCalculator(1000);
    assertThat(steady.toPublish(100, 0.0, false)).isEqualTo(90);
    assertThat(steady.toPublish(130, 0.0, false)).as("moved 3 points: keep 90").isEqualTo(90);
    assertThat(steady.toPublish(160, 0.0, false)).as("moved 6 points: publish").isEqualTo(84);
    assertThat(steady.toPublish(160, 0.0, true)).as("a drain is published at once").isZero();
  }
}
