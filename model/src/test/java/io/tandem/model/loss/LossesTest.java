package io.tandem.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LossesTest {

  private static final double TOLERANCE = 1e-7;
  private static final double STEP = 1e-6;
  private static final TaskSpec CTR = TaskSpec.binary("ctr");
  private static final TaskSpec RATING = TaskSpec.regression("rating", 1, 5);

  @ParameterizedTest
  @ValueSource(doubles = {-30, -3, -0.5, 0, 0.7, 4, 25})
  void binaryGradientShouldMatchFiniteDifferences(double z) {
    for (double y : new double[] {0, 1}) {
      double numeric = (Losses.trainingLoss(CTR, z + STEP, y)
          - Losses.trainingLoss(CTR, z - STEP, y)) / (2 * STEP);
      assertThat(Losses.trainingGradient(CTR, z, y)).isCloseTo(numeric, within(TOLERANCE));
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1, 0, 0.3, 1.2})
  void regressionGradientShouldMatchFiniteDifferences(double z) {
    for (double y : new double[] {1, 2.5, 5}) {
      double numeric = (Losses.trainingLoss(RATING, z + STEP, y)
          - Losses.trainingLoss(RATING, z - STEP, y)) / (2 * STEP);
      assertThat(Losses.trainingGradient(RATING, z, y)).isCloseTo(numeric, within(TOLERANCE));
    }
  }

  @Test
  void binaryTrainingLossShouldStayFiniteAtExtremeLogits() {
    // log(1 + e^800) overflows if computed naively; the stable form gives 800 exactly
    assertThat(Losses.trainingLoss(CTR, 800, 0)).isCloseTo(800, within(TOLERANCE));
    assertThat(Losses.trainingLoss(CTR, -800, 1)).isCloseTo(800, within(TOLERANCE));
    assertThat(Losses.trainingLoss(CTR, 800, 1)).isCloseTo(0, within(TOLERANCE));
    assertThat(Losses.sigmoid(-800)).isZero();
    assertThat(Losses.sigmoid(800)).isEqualTo(1.0);
  }

  @Test
  void binaryLossShouldBeLogLossWithClipping() {
    // -log(0.8) for a positive predicted at 0.8; a certain wrong answer is clipped at 1e-15
    assertThat(Losses.loss(CTR, 0.8, 1)).isCloseTo(-Math.log(0.8), within(TOLERANCE));
    assertThat(Losses.loss(CTR, 0.8, 0)).isCloseTo(-Math.log(0.2), within(TOLERANCE));
    assertThat(Losses.loss(CTR, 0.0, 1)).isCloseTo(-Math.log(1e-15), within(TOLERANCE));
  }

  @Test
  void regressionLossShouldBeSquaredErrorInLabelUnits() {
    assertThat(Losses.loss(RATING, 3.5, 5)).isCloseTo(2.25, within(TOLERANCE));
  }

  @Test
  void regressionScoreShouldMapBackAndClipToTheLabelRange() {
    // z = 0.5 is the middle of [1, 5]; z outside [0, 1] is clipped
    assertThat(Losses.score(RATING, 0.5)).isCloseTo(3.0, within(TOLERANCE));
    assertThat(Losses.score(RATING, 7)).isEqualTo(5.0);
    assertThat(Losses.score(RATING, -2)).isEqualTo(1.0);
    assertThat(Losses.normalise(RATING, 2)).isCloseTo(0.25, within(TOLERANCE));
  }

  @Test
  void shouldRejectIllegalLabelNamingTheTask() {
    assertThatThrownBy(() -> Losses.loss(CTR, 0.5, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ctr'")
        .hasMessageContaining("0.5");
    assertThatThrownBy(() -> Losses.loss(RATING, Double.NaN, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("score for task 'rating'");
  }
}
