package io.tandem.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScoreAccumulatorTest {

  private static final double TOLERANCE = 1e-12;

  @Test
  void shouldScoreTwoBinaryPairsByHand() {
    // Given predictions 0.9 for a click and 0.2 for a non-click
    ScoreAccumulator acc = ScoreAccumulator.cumulative(TargetKind.BINARY_LABEL);
    acc.add(0.9, 1);
    acc.add(0.2, 0);

    // When
    Scores s = acc.scores();

    // Then errors are 0.1 and 0.2: RMSE sqrt((0.01 + 0.04) / 2), MAE 0.15; log loss is the mean
    // of -ln 0.9 and -ln 0.8; the one pair is ranked right, so AUC 1
    assertThat(s.count()).isEqualTo(2);
    assertThat(s.rmse()).isCloseTo(Math.sqrt(0.025), within(TOLERANCE));
    assertThat(s.mae()).isCloseTo(0.15, within(TOLERANCE));
    assertThat(s.logLoss())
        .isCloseTo((-Math.log(0.9) - Math.log(0.8)) / 2, within(TOLERANCE));
    assertThat(s.auc()).isCloseTo(1.0, within(TOLERANCE));
  }

  @Test
  void shouldScoreRealTargetsWithoutAucOrLogLoss() {
    // errors +1 and -3: RMSE sqrt((1 + 9) / 2) = sqrt 5, MAE 2
    ScoreAccumulator acc = ScoreAccumulator.cumulative(TargetKind.REAL);
    acc.add(4, 3);
    acc.add(1, 4);
    Scores s = acc.scores();
    assertThat(s.rmse()).isCloseTo(Math.sqrt(5), within(TOLERANCE));
    assertThat(s.mae()).isCloseTo(2.0, within(TOLERANCE));
    assertThat(s.auc()).isNaN();
    assertThat(s.logLoss()).isNaN();
  }

  @Test
  void shouldScoreProbabilityTargetsWithExpectedLogLossButNoAuc() {
    ScoreAccumulator acc = ScoreAccumulator.cumulative(TargetKind.PROBABILITY);
    acc.add(0.6, 0.3);
    Scores s = acc.scores();
    assertThat(s.logLoss())
        .isCloseTo(-0.3 * Math.log(0.6) - 0.7 * Math.log(0.4), within(TOLERANCE));
    assertThat(s.rmse()).isCloseTo(0.3, within(TOLERANCE));
    assertThat(s.auc()).isNaN();
  }

  @Test
  void windowedShouldEqualCumulativeOverTheLastNPairs() {
    // Given 1,000 seeded binary pairs; a window of 200 and a cumulative over the last 200
    SplittableRandom random = new SplittableRandom(11);
    ScoreAccumulator windowed = ScoreAccumulator.windowed(TargetKind.BINARY_LABEL, 200);
    ScoreAccumulator tail = ScoreAccumulator.cumulative(TargetKind.BINARY_LABEL);
    for (int i = 0; i < 1_000; i++) {
      double p = random.nextDouble();
      double y = random.nextDouble() < p ? 1 : 0;
      windowed.add(p, y);
      if (i >= 800) {
        tail.add(p, y);
      }
    }
    // Then they agree on every metric
    Scores w = windowed.scores();
    Scores t = tail.scores();
    assertThat(w.count()).isEqualTo(200);
    assertThat(w.auc()).isCloseTo(t.auc(), within(TOLERANCE));
    assertThat(w.logLoss()).isCloseTo(t.logLoss(), within(1e-9));
    assertThat(w.rmse()).isCloseTo(t.rmse(), within(1e-9));
    assertThat(w.mae()).isCloseTo(t.mae(), within(1e-9));
  }

  @Test
  void emptyShouldBeAllNaN() {
    assertThat(ScoreAccumulator.cumulative(TargetKind.REAL).scores()).isEqualTo(Scores.empty());
    assertThat(ScoreAccumulator.windowed(TargetKind.BINARY_LABEL, 5).scores())
        .isEqualTo(Scores.empty());
  }

  @Test
  void shouldRejectIllegalTargetsAndAddNothing() {
    ScoreAccumulator acc = ScoreAccumulator.cumulative(TargetKind.BINARY_LABEL);
    assertThatThrownBy(() -> acc.add(0.5, 0.3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target").hasMessageContaining("0.3");
    assertThatThrownBy(() -> acc.add(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prediction");
    assertThatThrownBy(() -> ScoreAccumulator.windowed(TargetKind.REAL, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
    assertThat(acc.scores().count()).isZero();
  }
}
