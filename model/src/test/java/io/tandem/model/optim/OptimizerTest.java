package io.tandem.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OptimizerTest {

  private static final double TOLERANCE = 1e-9;
  private static final double FLOAT_TOLERANCE = 1e-6;

  @Test
  void sgdShouldStepAgainstTheGradient() {
    double[] w = {1, 2};
    new Sgd().updateDenseInPlace(w, new double[] {0.5, -1}, new double[0], 0, 2, 1, 0.1);
    assertThat(w).containsExactly(new double[] {0.95, 2.1}, within(TOLERANCE));
  }

  @Test
  void adagradShouldNormaliseByAccumulatedSquares() {
    // Given two steps with gradients 3 then 4 on one coordinate
    double[] w = {0};
    double[] s = {0};
    Adagrad adagrad = new Adagrad();

    // When
    adagrad.updateDenseInPlace(w, new double[] {3}, s, 0, 1, 1, 0.1);
    double afterFirst = w[0];
    adagrad.updateDenseInPlace(w, new double[] {4}, s, 0, 1, 2, 0.1);

    // Then the first step is rate * 3/3, the second rate * 4/5 (sqrt(9 + 16) = 5)
    assertThat(afterFirst).isCloseTo(-0.1, within(TOLERANCE));
    assertThat(w[0]).isCloseTo(-0.1 - 0.08, within(TOLERANCE));
    assertThat(s[0]).isCloseTo(25, within(TOLERANCE));
  }

  @Test
  void adagradShouldLeaveZeroGradientCoordinatesUnchanged() {
    double[] w = {0.25};
    double[] s = {0};
    new Adagrad().updateDenseInPlace(w, new double[] {0}, s, 0, 1, 1, 0.1);
    assertThat(w[0]).isEqualTo(0.25);
  }

  @Test
  void adamFirstStepShouldMoveByTheRateWithBiasCorrection() {
    // With bias correction, m/c1 = g and v/c2 = g^2 at step 1, so the step is rate * sign(g)
    double[] w = {1};
    double[] state = new double[2];
    new Adam().updateDenseInPlace(w, new double[] {-0.3}, state, 0, 1, 1, 0.01);
    assertThat(w[0]).isCloseTo(1.01, within(1e-7));
  }

  @Test
  void rowUpdateShouldMatchDenseUpdateForEveryOptimizer() {
    for (Optimizer optimizer : new Optimizer[] {new Sgd(), new Adagrad(), new Adam()}) {
      // Given the same values and gradients as a dense array and as a float row
      double[] dense = {0.5, -0.25, 0.125};
      float[] row = {0.5f, -0.25f, 0.125f};
      double[] denseState = new double[optimizer.stateSlots() * 3];
      float[] rowState = new float[optimizer.stateSlots() * 3];
      double[][] gradients = {{0.1, -0.2, 0.3}, {-0.05, 0.4, 0.0}};

      // When both take the same two steps
      for (int step = 1; step <= 2; step++) {
        optimizer.updateDenseInPlace(dense, gradients[step - 1], denseState, 0, 3, step, 0.05);
        optimizer.updateRowInPlace(row, gradients[step - 1], rowState, step, 0.05);
      }

      // Then they agree up to float rounding
      for (int i = 0; i < 3; i++) {
        assertThat((double) row[i]).as(optimizer.getClass().getSimpleName())
            .isCloseTo(dense[i], within(FLOAT_TOLERANCE));
      }
    }
  }
}
