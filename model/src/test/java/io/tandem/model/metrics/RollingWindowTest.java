package io.tandem.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RollingWindowTest {

  private static final double TOLERANCE = 1e-9;

  @Test
  void shouldAverageOnlyTheLastCapacityValues() {
    // Given a window of 3 fed 1..5
    RollingWindow window = new RollingWindow(3);
    assertThat(window.mean()).isNaN();
    for (int v = 1; v <= 5; v++) {
      window.add(v);
    }
    // Then it holds 3, 4, 5: mean 4, sum 12
    assertThat(window.size()).isEqualTo(3);
    assertThat(window.isFull()).isTrue();
    assertThat(window.mean()).isCloseTo(4.0, within(TOLERANCE));
    assertThat(window.sum()).isCloseTo(12.0, within(TOLERANCE));
  }

  @Test
  void shouldNotDriftFromAFreshSumAfterManyEvictions() {
    // Given a window of 100 fed 200,000 values of mixed magnitude
    RollingWindow window = new RollingWindow(100);
    SplittableRandom random = new SplittableRandom(3);
    double[] last = new double[100];
    for (int i = 0; i < 200_000; i++) {
      double v = random.nextDouble() * (i % 7 == 0 ? 1e6 : 1e-3);
      window.add(v);
      last[i % 100] = v;
    }
    // Then its mean equals the mean of the last 100 summed afresh (relative 1e-9)
    double fresh = 0;
    for (double v : last) {
      fresh += v;
    }
    assertThat(window.mean()).isCloseTo(fresh / 100, within(Math.abs(fresh / 100) * 1e-9));
  }

  @Test
  void shouldRejectZeroCapacityAndNonFiniteValues() {
    assertThatThrownBy(() -> new RollingWindow(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    RollingWindow window = new RollingWindow(2);
    assertThatThrownBy(() -> window.add(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
    assertThat(window.size()).isZero();
  }
}
