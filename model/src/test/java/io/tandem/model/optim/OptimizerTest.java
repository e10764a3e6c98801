package io.tandem.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
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
  void updateAndClearShouldEqualUpdateThenClearBitForBitForEveryOptimizer() {
    for (Optimizer optimizer : new Optimizer[] {new Sgd(), new Adagrad(), new Adam()}) {
      // Given two copies of the same parameters, state and gradient (the first and last entries
      // outside the updated range)
      SplittableRandom random = new SplittableRandom(17);
      double[] w = random.doubles(9, -1, 1).toArray();
      double[] g = random.doubles(9, -1, 1).toArray();
      double[] state = random.doubles(9 * optimizer.stateSlots(), 0, 1).toArray();
      double[] w2 = w.clone();
      double[] g2 = g.clone();
      double[] state2 = state.clone();

      // When one is updated then cleared, the other in the fused call
      optimizer.updateDenseInPlace(w, g, state, 1, 8, 3, 0.05);
      Arrays.fill(g, 1, 8, 0.0);
      optimizer.updateDenseAndClearInPlace(w2, g2, state2, 1, 8, 3, 0.05);

      // Then parameters, state and gradient agree bit for bit
      assertThat(w2).as(optimizer.getClass().getSimpleName()).containsExactly(w);
      assertThat(state2).as(optimizer.getClass().getSimpleName()).containsExactly(state);
      assertThat(g2).as(optimizer.getClass().getSimpleName()).containsExactly(g);
    }
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

  @Test
  void rescaledStateShouldGiveTheStepsOfAHistoryOfScaledGradients() {
    // Given, for Adagrad and Adam, one history of gradients g and one of 12 g
    double c = 12;
    double[][] history = {{0.3, -0.2}, {-0.1, 0.4}, {0.25, 0.05}};
    for (Optimizer optimizer : new Optimizer[] {new Adagrad(), new Adam()}) {
      double[] w = {1, -1};
      double[] state = new double[optimizer.stateSlots() * 2];
      double[] wScaled = {1, -1};
      double[] stateScaled = new double[optimizer.stateSlots() * 2];
      long step = 0;
      for (double[] g : history) {
        step++;
        optimizer.updateDenseInPlace(w, g, state, 0, 2, step, 0.05);
        optimizer.updateDenseInPlace(wScaled, new double[] {c * g[0], c * g[1]}, stateScaled, 0,
            2, step, 0.05);
      }

      // When the first history's state is rescaled by c
      optimizer.rescaleState(state, 2, c);

      // Then it equals the scaled history's state, so the next scaled step is the same
      assertThat(state).as(optimizer.getClass().getSimpleName())
          .containsExactly(stateScaled, within(TOLERANCE));
      double[] next = {0.2, -0.3};
      double[] a = w.clone();
      double[] b = w.clone();
      optimizer.updateDenseInPlace(a, new double[] {c * next[0], c * next[1]}, state, 0, 2,
          step + 1, 0.05);
      optimizer.updateDenseInPlace(b, new double[] {c * next[0], c * next[1]}, stateScaled, 0,
          2, step + 1, 0.05);
      assertThat(a).containsExactly(b, within(TOLERANCE));
    }
  }
}
