package io.tandem.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowedAucTest {

  private static final double EXACT = 1e-12;

  @Test
  void shouldEqualExactAucOfTheLastNPairsAsTheWindowSlides() {
    // Given a window of 25 fed a seeded stream of 300 pairs with ties
    SplittableRandom random = new SplittableRandom(7);
    int capacity = 25;
    WindowedAuc window = new WindowedAuc(capacity);
    double[] scores = new double[300];
    double[] labels = new double[300];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = random.nextInt(10) / 10.0;
      labels[i] = random.nextDouble() < 0.4 ? 1 : 0;

      // When one more pair arrives
      window.add(scores[i], labels[i]);

      // Then the window's AUC is the brute-force AUC of the last min(i + 1, 25) pairs
      int from = Math.max(0, i + 1 - capacity);
      double expected = AucTest.bruteForce(
          Arrays.copyOfRange(scores, from, i + 1), Arrays.copyOfRange(labels, from, i + 1));
      if (Double.isNaN(expected)) {
        assertThat(window.value()).isNaN();
      } else {
        assertThat(window.value()).as("after pair %d", i).isCloseTo(expected, within(EXACT));
      }
      assertThat(window.size()).isEqualTo(Math.min(i + 1, capacity));
    }
  }

  @Test
  void shouldForgetEvictedPairs() {
    // Given a window of 2 holding a misranked pair (positive 0.1, negative 0.9): AUC 0
    WindowedAuc window = new WindowedAuc(2);
    window.add(0.1, 1);
    window.add(0.9, 0);
    assertThat(window.value()).isCloseTo(0.0, within(EXACT));

    // When two well-ranked pairs push them out
    window.add(0.8, 1);
    window.add(0.2, 0);

    // Then only the new pairs count: AUC 1
    assertThat(window.value()).isCloseTo(1.0, within(EXACT));
  }

  @Test
  void shouldRejectZeroCapacity() {
    assertThatThrownBy(() -> new WindowedAuc(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity")
        .hasMessageContaining("0");
  }
}
