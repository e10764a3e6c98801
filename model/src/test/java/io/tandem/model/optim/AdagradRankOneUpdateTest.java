package io.tandem.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Adagrad's fused one-product step against the path it replaces: accumulating {@code d x_i}
 * into a zeroed gradient, then {@link Adagrad#updateDenseAndClearInPlace}. Bit-for-bit equality
 * is asserted with {@code containsExactly} on {@code double[]}, which compares bit patterns (so a
 * {@code -0.0} where the reference has {@code +0.0} fails).
 */
class AdagradRankOneUpdateTest {

  private static final double TOLERANCE = 1e-12;
  private static final double RATE = 0.05;

  @Test
  void shouldStepARowBitIdenticallyToAccumulateThenUpdate() {
    // Given a parameter array with state from earlier steps, and a row at offset 7 whose input
    // holds zeros (a product -0.0 when d < 0) and whose weights hold a -0.0
    SplittableRandom random = new SplittableRandom(3);
    int n = 23;
    int from = 7;
    double[] w = random.doubles(40, -1, 1).toArray();
    double[] state = random.doubles(40, 0, 2).toArray();
    state[from + 1] = 0.0;
    w[from + 2] = -0.0;
    double[] x = random.doubles(n, -1, 1).toArray();
    x[2] = 0.0;
    x[5] = 0.0;
    double[] dx = random.doubles(n, -1, 1).toArray();
    double d = -0.37;

    // When the reference path accumulates and steps a copy, and the fused step steps the other
    double[] wRef = w.clone();
    double[] stateRef = state.clone();
    double[] dxRef = dx.clone();
    double[] grad = new double[w.length];
    for (int i = 0; i < n; i++) {
      grad[from + i] += d * x[i];
      dxRef[i] += wRef[from + i] * d;
    }
    new Adagrad().updateDenseAndClearInPlace(wRef, grad, stateRef, from, from + n, 1, RATE);
    new Adagrad().rankOneUpdate(state, RATE).stepRow(w, from, n, d, x, dx);

    // Then parameters, state and input gradient agree bit for bit, outside the row too
    assertThat(w).containsExactly(wRef);
    assertThat(state).containsExactly(stateRef);
    assertThat(dx).containsExactly(dxRef);
  }

  @Test
  void shouldTakeAdagradsStepFromTheProductGradient() {
    // Given one weight with accumulator 16 and the product gradient d x = 2 * 1.5 = 3
    double[] w = {1.0};
    double[] state = {16.0};
    double[] dx = {0.5};

    // When
    new Adagrad().rankOneUpdate(state, 0.1).stepRow(w, 0, 1, 2.0, new double[] {1.5}, dx);

    // Then s = 16 + 9 = 25, w = 1 - 0.1 * 3 / (5 + epsilon), and dx gained the old weight times d
    assertThat(state[0]).isEqualTo(25.0);
    assertThat(w[0]).isCloseTo(1.0 - 0.3 / (5.0 + Adagrad.EPSILON), within(TOLERANCE));
    assertThat(dx[0]).isEqualTo(0.5 + 2.0);
  }

  @Test
  void shouldLeaveZeroGradientEntriesExactlyUnchanged() {
    // Given biases stepped as one row with gradient dy, some of it zero, one weight -0.0
    double[] w = {0.25, -0.0, 3.0};
    double[] state = {0.0, 1.0, 0.5};
    double[] dy = {0.0, -0.0, 0.0};

    // When
    new Adagrad().rankOneUpdate(state, RATE).stepRow(w, 0, 3, 1.0, dy, null);

    // Then nothing changed, not even the sign of the zero
    assertThat(w).containsExactly(0.25, -0.0, 3.0);
    assertThat(state).containsExactly(0.0, 1.0, 0.5);
  }

  @Test
  void shouldGrowItsScratchRowsForLongerRows() {
    // Given one instance used first on a short row, then on a longer one
    RankOneUpdate update = new Adagrad().rankOneUpdate(new double[64], RATE);
    double[] w = new double[64];
    double[] reference = new double[64];
    double[] referenceState = new double[64];
    double[] x = new SplittableRandom(5).doubles(64, -1, 1).toArray();
    update.stepRow(w, 0, 4, 1.0, x, null);
    double[] grad = new double[64];
    for (int i = 0; i < 4; i++) {
      grad[i] = 0.0 + x[i];
    }
    new Adagrad().updateDenseAndClearInPlace(reference, grad, referenceState, 0, 4, 1, RATE);

    // When
    update.stepRow(w, 0, 64, 1.0, x, null);
    for (int i = 0; i < 64; i++) {
      grad[i] = 0.0 + x[i];
    }
    new Adagrad().updateDenseAndClearInPlace(reference, grad, referenceState, 0, 64, 2, RATE);

    // Then every entry of the longer row was stepped, as the reference steps them
    assertThat(w).containsExactly(reference);
  }

  @Test
  void optimizersWithoutAFusedFormShouldSayNone() {
    // Adam's moments decay on every step (a zero gradient is no no-op); SGD has no fused form
    assertThat(new Adam().rankOneUpdate(new double[2], RATE)).isNull();
    assertThat(new Sgd().rankOneUpdate(new double[0], RATE)).isNull();
  }
}
