package io.tandem.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AucTest {

  private static final double EXACT = 1e-12;

  @Test
  void shouldEqualBruteForcePairCountOnRandomInputs() {
    // Given 500 seeded random inputs of 1..40 events, half with heavily tied (integer) scores
    SplittableRandom random = new SplittableRandom(20261129L);
    int compared = 0;
    for (int trial = 0; trial < 500; trial++) {
      int n = 1 + random.nextInt(40);
      double[] scores = new double[n];
      double[] labels = new double[n];
      for (int i = 0; i < n; i++) {
        scores[i] = trial % 2 == 0 ? random.nextInt(5) : random.nextDouble();
        labels[i] = random.nextDouble() < 0.3 ? 1 : 0;
      }

      // When
      double auc = Auc.exact(scores, labels);

      // Then it is the brute-force pair count (NaN exactly when a class is missing)
      double expected = bruteForce(scores, labels);
      if (Double.isNaN(expected)) {
        assertThat(auc).isNaN();
      } else {
        assertThat(auc).isCloseTo(expected, within(EXACT));
        compared++;
      }
    }
    assertThat(compared).as("trials with both classes").isGreaterThan(400);
  }

  @Test
  void shouldGiveThreeQuartersOnTheTextbookExample() {
    // positives score 0.35 and 0.8, negatives 0.1 and 0.4: of the 4 (pos, neg) pairs only
    // (0.35, 0.4) is ranked wrongly, so AUC = 3/4
    assertThat(Auc.exact(new double[] {0.1, 0.4, 0.35, 0.8}, new double[] {0, 0, 1, 1}))
        .isCloseTo(0.75, within(EXACT));
  }

  @Test
  void shouldCountTiesAsOneHalf() {
    // Every score equal: every pair is a tie, so AUC = 0.5
    assertThat(Auc.exact(new double[] {3, 3, 3, 3}, new double[] {1, 0, 0, 1}))
        .isCloseTo(0.5, within(EXACT));
    // positive 2 vs negatives {1, 2, 3}: one win, one tie, one loss = (1 + 0.5) / 3
    assertThat(Auc.exact(new double[] {2, 1, 2, 3}, new double[] {1, 0, 0, 0}))
        .isCloseTo(0.5, within(EXACT));
    // positives {2, 2} vs negatives {1, 2}: per positive one win and one tie = 1.5 of 2 each
    assertThat(Auc.exact(new double[] {2, 2, 1, 2}, new double[] {1, 1, 0, 0}))
        .isCloseTo(0.75, within(EXACT));
  }

  @Test
  void shouldBeOneForPerfectAndZeroForReversedRanking() {
    double[] labels = {0, 0, 1, 1, 1};
    assertThat(Auc.exact(new double[] {0.1, 0.2, 0.3, 0.4, 0.5}, labels))
        .isCloseTo(1.0, within(EXACT));
    assertThat(Auc.exact(new double[] {0.5, 0.4, 0.3, 0.2, 0.1}, labels))
        .isCloseTo(0.0, within(EXACT));
  }

  @Test
  void shouldBeNaNWithoutBothClasses() {
    assertThat(Auc.exact(new double[] {0.1, 0.2}, new double[] {1, 1})).isNaN();
    assertThat(Auc.exact(new double[0], new double[0])).isNaN();
  }

  @Test
  void shouldRejectIllegalInputNamingIt() {
    assertThatThrownBy(() -> Auc.exact(new double[] {0.1}, new double[] {0.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label")
        .hasMessageContaining("0.5");
    assertThatThrownBy(() -> Auc.exact(new double[] {Double.NaN}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("score")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> Auc.exact(new double[] {0.1, 0.2}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 scores vs 1 labels");
  }

  /** O(n^2) definition: wins + half ties over all (positive, negative) pairs. */
  static double bruteForce(double[] scores, double[] labels) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < scores.length; i++) {
      for (int j = 0; j < scores.length; j++) {
        if (labels[i] == 1 && labels[j] == 0) {
          pairs++;
          if (scores[i] > scores[j]) {
            wins += 1;
          } else if (scores[i] == scores[j]) {
            wins += 0.5;
          }
        }
      }
    }
    return pairs == 0 ? Double.NaN : wins / pairs;
  }
}
