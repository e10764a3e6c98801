package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskResidualTest {

  /** Exact double arithmetic on a few terms: only rounding. */
  private static final double EXACT = 1e-12;
  /**
   * A first Adagrad step is {@code rate * g / (|g| + 1e-8)}: off {@code rate} by a relative
   * 1e-8 / |g|, below 1e-8 here (|g| &gt;= 0.5).
   */
  private static final double FIRST_STEP = 1e-8;
  /** A score summing 15 such steps, each times an input of at most 3: below 1e-7. */
  private static final double FIRST_STEP_SCORE = 1e-7;
  /** A first-order (finite-difference) prediction holds to O(rate^2) = 1e-8 at rate 1e-4. */
  private static final double FIRST_ORDER = 1e-7;

  /** u = (1, -2, 0.5), v = (0.25, 3, -1), laid out as the model's dense input [u, v, ...]. */
  private static final double[] INPUT = {1.0, -2.0, 0.5, 0.25, 3.0, -1.0, 99.0};

  @Test
  void shouldScoreZeroAndHoldNoRowsWhenEmpty() {
    // Given a fresh residual
    TaskResidual residual = new TaskResidual(3);

    // Then it adds nothing and holds nothing; a zero gradient creates no row
    assertThat(residual.score("u1", "i1", INPUT, 0)).isZero();
    residual.accumulate("u1", "i1", INPUT, 0, 0.0);
    residual.step(0.1);
    assertThat(residual.rows()).isZero();
  }

  @Test
  void shouldTakeAFirstAdagradStepOfTheRateAgainstTheGradientSign() {
    // Given a fresh residual and a gradient dz = 2 on one example
    TaskResidual residual = new TaskResidual(3);
    residual.accumulate("u1", "i1", INPUT, 0, 2.0);

    // When one step at rate 0.1 is taken
    residual.step(0.1);

    // Then d_user = -0.1 sign(dz v) and d_item = -0.1 sign(dz u): a fresh accumulator s = g^2
    // makes the first step rate * g / |g| per coordinate
    assertThat(residual.userDelta("u1")).containsExactly(new double[] {-0.1, -0.1, 0.1},
        within(FIRST_STEP));
    assertThat(residual.itemDelta("i1")).containsExactly(new double[] {-0.1, 0.1, -0.1},
        within(FIRST_STEP));
    assertThat(residual.rows()).isEqualTo(2);
    // and M_ij = -0.1 sign(dz u_i v_j), so u^T M v = -0.1 |u|_1 |v|_1 = -0.1 * 3.5 * 4.25;
    // the score is d_user . v + u . d_item + u^T M v
    // = (-0.025 - 0.3 - 0.1) + (-0.1 - 0.2 - 0.05) - 1.4875
    assertThat(residual.score("u1", "i1", INPUT, 0)).isCloseTo(-2.2625,
        within(FIRST_STEP_SCORE));
    // an id without rows reads zero on its side; the matrix applies to every pair
    assertThat(residual.score("u2", "i1", INPUT, 0)).isCloseTo(-1.8375,
        within(FIRST_STEP_SCORE));
  }

  @Test
  void shouldDescendTheLossByWhatItsGradientPredicts() {
    // Given a residual with non-zero rows, a logistic loss l(z0 + r) with z0 = 0.3, label 1
    TaskResidual residual = new TaskResidual(3);
    residual.accumulate("u1", "i1", INPUT, 0, 0.7);
    residual.step(0.2);
    double z0 = 0.3;
    double before = logLoss(z0 + residual.score("u1", "i1", INPUT, 0), 1.0);
    double dz = sigmoid(z0 + residual.score("u1", "i1", INPUT, 0)) - 1.0;

    // When the loss gradient is accumulated and a small step taken (the second Adagrad step:
    // each coordinate moves by rate * g / sqrt(s_prev + g^2))
    residual.accumulate("u1", "i1", INPUT, 0, dz);
    double rate = 1e-4;
    residual.step(rate);
    double after = logLoss(z0 + residual.score("u1", "i1", INPUT, 0), 1.0);

    // Then the loss changes by dL/dr * dr to first order, where dr/d d_user = v,
    // dr/d d_item = u and dr/dM = u v^T (computed here independently of the class)
    double predicted = 0;
    double[] u = {1.0, -2.0, 0.5};
    double[] v = {0.25, 3.0, -1.0};
    for (int k = 0; k < 3; k++) {
      double gUser = dz * v[k];
      double gItem = dz * u[k];
      double sUser = 0.7 * v[k] * 0.7 * v[k] + gUser * gUser;
      double sItem = 0.7 * u[k] * 0.7 * u[k] + gItem * gItem;
      predicted += dz * (v[k] * -rate * gUser / Math.sqrt(sUser)
          + u[k] * -rate * gItem / Math.sqrt(sItem));
      for (int j = 0; j < 3; j++) {
        double g = dz * u[k] * v[j];
        double sPrev = 0.7 * u[k] * v[j];
        predicted += dz * u[k] * v[j] * -rate * g / Math.sqrt(sPrev * sPrev + g * g);
      }
    }
    assertThat(after - before).isNegative().isCloseTo(predicted, within(FIRST_ORDER));
  }

  @Test
  void shouldAddIntoAnotherResidualExactly() {
    // Given two residuals with overlapping and disjoint rows
    TaskResidual a = new TaskResidual(3);
    a.accumulate("u1", "i1", INPUT, 0, 1.0);
    a.step(0.1);
    TaskResidual b = new TaskResidual(3);
    b.accumulate("u1", "i2", INPUT, 0, -3.0);
    b.step(0.05);
    double sum11 = a.score("u1", "i1", INPUT, 0) + b.score("u1", "i1", INPUT, 0);
    double sum12 = a.score("u1", "i2", INPUT, 0) + b.score("u1", "i2", INPUT, 0);

    // When a is added into b
    a.addInto(b);

    // Then b scores the sum on every pair (linear in its rows)
    assertThat(b.score("u1", "i1", INPUT, 0)).isCloseTo(sum11, within(EXACT));
    assertThat(b.score("u1", "i2", INPUT, 0)).isCloseTo(sum12, within(EXACT));
    assertThat(b.rows()).isEqualTo(3);
  }

  @Test
  void shouldRoundTripItsRowsAndAccumulatorsThroughWriteAndRead() throws IOException {
    // Given a trained residual
    TaskResidual residual = new TaskResidual(3);
    residual.accumulate("u1", "i1", INPUT, 0, 1.5);
    residual.accumulate("u2", "i1", INPUT, 0, -0.5);
    residual.step(0.1);
    byte[] written = write(residual);

    // When read back and both take the same step
    TaskResidual read = TaskResidual.read(
        new DataInputStream(new ByteArrayInputStream(written)), 3);
    residual.accumulate("u1", "i1", INPUT, 0, 0.25);
    read.accumulate("u1", "i1", INPUT, 0, 0.25);
    residual.step(0.1);
    read.step(0.1);

    // Then both are the same, byte for byte (accumulators included)
    assertThat(write(read)).isEqualTo(write(residual));
    assertThat(read.rows()).isEqualTo(3);
  }

  @Test
  void shouldRejectANonFiniteValueWhenReading() throws IOException {
    // Given a written residual whose first user value (after int count, UTF "u1") is NaN
    TaskResidual residual = new TaskResidual(3);
    residual.accumulate("u1", "i1", INPUT, 0, 1.0);
    residual.step(0.1);
    byte[] bytes = write(residual);
    ByteBuffer.wrap(bytes).putDouble(4 + 2 + 2, Double.NaN);

    // Then the reader names the row
    assertThatThrownBy(() -> TaskResidual.read(
        new DataInputStream(new ByteArrayInputStream(bytes)), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("residual row 'u1' holds a non-finite value NaN");
  }

  @Test
  void aModelsResidualsShouldLearnBitIdenticallyOnTheBatchedAndThePerExamplePath() {
    // Given two identical models, one forced onto the example-by-example loop
    ModelConfig config = ModelConfig.defaults().withEmbeddingDim(8).withExperts(2, 16)
        .withTowerSize(8).withSeed(3);
    MultiTaskModel looped = MultiTaskModel.create(config, LearnerStreams.TASKS);
    looped.batchedFrom(Integer.MAX_VALUE);
    MultiTaskModel batched = MultiTaskModel.create(config, LearnerStreams.TASKS);
    batched.batchedFrom(2);

    // When both learn the same batches with a residual candidate for ctr from batch 3, promoted
    // at batch 8, and a second one for rating from batch 10
    List<List<LabelledExample>> stream = LearnerStreams.batches(5, 16, 24);
    for (int b = 0; b < stream.size(); b++) {
      for (MultiTaskModel model : List.of(looped, batched)) {
        if (b == 3) {
          model.attachResidualShadow("ctr", 0.05);
        } else if (b == 8) {
          model.promoteShadow(0);
        } else if (b == 10) {
          model.attachResidualShadow("rating", 0.05);
        }
        model.learn(stream.get(b));
      }
    }

    // Then state and every score, candidate included, are bit-identical
    assertThat(batched.residualRows("ctr", false)).isPositive();
    assertThat(batched.exportDense()).containsExactly(looped.exportDense());
    List<Example> probe = LearnerStreams.examples(stream.get(0));
    assertThat(batched.predict(probe)).isEqualTo(looped.predict(probe));
    assertThat(batched.predictShadow(probe)).containsExactly(looped.predictShadow(probe));
  }

  private static byte[] write(TaskResidual residual) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      residual.write(out);
    }
    return bytes.toByteArray();
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double logLoss(double z, double y) {
    double p = sigmoid(z);
    return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
  }

  @Test
  void shouldCreateNoMoreDeltaRowsPerSideThanTheBoundAndStillLearnTheMatrix() {
    // Given a residual that has received gradients for more users and items than it may hold
    TaskResidual residual = new TaskResidual(3);
    int ids = TaskResidual.MAX_DELTA_ROWS + 25;
    for (int n = 0; n < ids; n++) {
      residual.accumulate("u" + n, "i" + n, INPUT, 0, 0.5);
    }
    residual.step(0.1);

    // Then each side stops at the bound: the first ids have rows, the later ones none
    assertThat(residual.rows()).isEqualTo(2 * TaskResidual.MAX_DELTA_ROWS);
    assertThat(residual.userDelta("u0")).isNotNull();
    assertThat(residual.itemDelta("i" + (TaskResidual.MAX_DELTA_ROWS - 1))).isNotNull();
    assertThat(residual.userDelta("u" + TaskResidual.MAX_DELTA_ROWS)).isNull();
    assertThat(residual.itemDelta("i" + (ids - 1))).isNull();
    // and an id without a row is still corrected by the matrix, which learned from every event
    assertThat(residual.score("u" + (ids - 1), "i" + (ids - 1), INPUT, 0)).isNotZero();
  }

  @Test
  void shouldDropTheRowsATargetAtTheBoundHasNoRoomForWhenAdding() {
    // Given a target already full of user rows and a residual with a new user
    TaskResidual target = new TaskResidual(3);
    for (int n = 0; n < TaskResidual.MAX_DELTA_ROWS; n++) {
      target.accumulate("u" + n, "i0", INPUT, 0, 0.5);
    }
    target.step(0.1);
    TaskResidual extra = new TaskResidual(3);
    extra.accumulate("new-user", "i0", INPUT, 0, 0.5);
    extra.step(0.1);
    double[] itemBefore = target.itemDelta("i0");

    // When
    extra.addInto(target);

    // Then the new user has no row, while the shared item row still sums exactly
    assertThat(target.userDelta("new-user")).isNull();
    assertThat(target.rows()).isEqualTo(TaskResidual.MAX_DELTA_ROWS + 1);
    double[] itemAfter = target.itemDelta("i0");
    double[] added = extra.itemDelta("i0");
    for (int i = 0; i < 3; i++) {
      assertThat(itemAfter[i]).isCloseTo(itemBefore[i] + added[i], within(EXACT));
    }
  }
}
