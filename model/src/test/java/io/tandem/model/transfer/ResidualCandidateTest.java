package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The task-specific embedding residual candidate ({@link MultiTaskModel#attachResidualShadow},
 * {@link CandidateInit#RESIDUAL}): it starts as the incumbent, leaves the incumbent untouched,
 * is kept exactly on promotion and dropped on rollback, and survives the dense blob and growth.
 */
class ResidualCandidateTest {

  /** A manual controller with the residual candidate and without the re-learning boost. */
  private static final TransferConfig MANUAL = TransferStreams.MANUAL
      .withCandidateInit(CandidateInit.RESIDUAL).withRelearning(1.0, 1.0, 0);

  /** The residual rows' learning rate in these tests. */
  private static final double RATE = 0.05;
  /** Summing two residuals' rows instead of their scores: rounding only. */
  private static final double ROUNDING = 1e-12;

  private static final List<Example> PROBE = List.of(Example.of("u1", "i2"),
      Example.of("u2", "i3"), Example.of("unseen", "unseen"));

  private static MultiTaskModel trained(long seed, int batches) {
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    learn(model, seed, batches);
    return model;
  }

  /** Learns {@code batches} batches of 32 of both tasks drawn with {@code seed}. */
  private static void learn(MultiTaskModel model, long seed, int batches) {
    for (List<LabelledExample> batch : TransferStreams.batches(TransferStreams.TWO, seed,
        batches, 32, -1)) {
      model.learn(batch);
    }
  }

  private static double[] scoresOf(List<Map<String, Double>> scores, String task) {
    return scores.stream().mapToDouble(s -> s.get(task)).toArray();
  }

  @Test
  void aFreshResidualCandidateShouldScoreExactlyAsTheIncumbent() {
    // Given a trained model with a fresh residual candidate for task a
    MultiTaskModel model = trained(4, 20);
    model.attachResidualShadow("a", RATE);

    // Then the candidate (incumbent + an all-zero residual) scores as the incumbent, holds no rows
    assertThat(model.predictShadow(PROBE)).containsExactly(scoresOf(model.predict(PROBE), "a"));
    assertThat(model.residualRows("a", true)).isZero();
    assertThat(model.shadowTask()).isEqualTo("a");
  }

  @Test
  void theIncumbentShouldLearnExactlyAsWithoutTheCandidate() {
    // Given a model with a residual candidate for a and its twin without
    MultiTaskModel model = trained(4, 20);
    MultiTaskModel twin = trained(4, 20);
    model.attachResidualShadow("a", RATE);

    // When both learn the same batches
    for (List<LabelledExample> batch : TransferStreams.batches(TransferStreams.TWO, 5, 20, 32,
        -1)) {
      model.learn(batch);
      twin.learn(batch);
    }

    // Then the incumbent is bit-identical to the twin, while the candidate learned rows (only for
    // ids task a saw: at most 40 users + 30 items) and now scores differently
    assertThat(model.predict(PROBE)).isEqualTo(twin.predict(PROBE));
    assertThat(model.denseParameters()).isEqualTo(twin.denseParameters());
    assertThat(model.residualRows("a", true)).isPositive().isLessThanOrEqualTo(70);
    assertThat(model.residualRows("b", true)).isZero();
    assertThat(model.predictShadow(PROBE)).isNotEqualTo(scoresOf(model.predict(PROBE), "a"));
  }

  @Test
  void promotionShouldServeExactlyWhatTheCandidateScoredAndRollbackNothing() {
    // Given two identical models whose residual candidates learned the same batches
    MultiTaskModel promoted = trained(4, 20);
    MultiTaskModel rolledBack = trained(4, 20);
    List<Map<String, Double>> incumbentBefore = null;
    double[] candidate = null;
    for (MultiTaskModel model : List.of(promoted, rolledBack)) {
      model.attachResidualShadow("a", RATE);
      learn(model, 5, 10);
      incumbentBefore = model.predict(PROBE);
      candidate = model.predictShadow(PROBE);
    }

    // When one promotes and the other discards
    promoted.promoteShadow(0);
    rolledBack.discardShadow();

    // Then the promoted model serves the candidate's scores for a (b unchanged) and keeps the
    // residual; the rolled-back one serves the incumbent and holds no residual
    List<Map<String, Double>> after = promoted.predict(PROBE);
    assertThat(scoresOf(after, "a")).containsExactly(candidate);
    assertThat(scoresOf(after, "b")).containsExactly(scoresOf(incumbentBefore, "b"));
    assertThat(promoted.residualRows("a", false)).isPositive();
    assertThat(promoted.shadowTask()).isNull();
    assertThat(rolledBack.predict(PROBE)).isEqualTo(incumbentBefore);
    assertThat(rolledBack.residualRows("a", false)).isZero();
    assertThat(rolledBack.shadowTask()).isNull();
  }

  @Test
  void aSecondPromotedResidualShouldAddToTheFirstExactly() {
    // Given a model with a promoted residual for a and a second candidate trained on top of it
    MultiTaskModel model = trained(4, 20);
    model.attachResidualShadow("a", RATE);
    learn(model, 5, 5);
    model.promoteShadow(0);
    model.attachResidualShadow("a", RATE);
    learn(model, 6, 5);
    double[] candidate = model.predictShadow(PROBE);

    // When the second is promoted
    model.promoteShadow(0);

    // Then the task serves what the candidate scored (the rows added, up to rounding)
    double[] served = scoresOf(model.predict(PROBE), "a");
    for (int i = 0; i < served.length; i++) {
      assertThat(served[i]).isCloseTo(candidate[i], within(ROUNDING));
    }
  }

  @Test
  void residualsShouldSurviveADenseRoundTripAndContinueBitIdentically() throws IOException {
    // Given a model with a promoted residual for a and a residual candidate for b
    MultiTaskModel model = trained(4, 20);
    model.attachResidualShadow("a", RATE);
    learn(model, 5, 5);
    model.promoteShadow(0);
    model.attachResidualShadow("b", RATE);
    List<List<LabelledExample>> next = TransferStreams.batches(TransferStreams.TWO, 6, 10, 32,
        -1);
    model.learn(next.get(0));

    // When the whole model (dense blob and rows) is written and read back
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    model.writeSnapshot(bytes);
    MultiTaskModel restored = MultiTaskModel.readSnapshot(
        new ByteArrayInputStream(bytes.toByteArray()));

    // Then both continue identically, candidate included
    for (List<LabelledExample> batch : next.subList(1, next.size())) {
      model.learn(batch);
      restored.learn(batch);
    }
    assertThat(restored.exportDense()).isEqualTo(model.exportDense());
    assertThat(restored.predict(PROBE)).isEqualTo(model.predict(PROBE));
    assertThat(restored.predictShadow(PROBE)).isEqualTo(model.predictShadow(PROBE));
    assertThat(restored.residualRows("a", false)).isEqualTo(model.residualRows("a", false));
    assertThat(restored.residualRows("b", true)).isPositive();
  }

  @Test
  void aDenseBlobOfFormatFourShouldReadAsNoResidual() {
    // Given a model whose residual was promoted empty and then learned one batch (its rows exist
    // now; the incumbent learned that batch as its plain twin did, the residual scoring 0 then)
    MultiTaskModel plain = trained(4, 20);
    MultiTaskModel model = trained(4, 20);
    model.attachResidualShadow("a", RATE);
    model.promoteShadow(0);
    List<LabelledExample> batch = TransferStreams.batches(TransferStreams.TWO, 5, 1, 32, -1)
        .get(0);
    model.learn(batch);
    plain.learn(batch);
    // and its blob rewritten as format 4: version 4, without the residual section (its length:
    // the difference to the plain blob plus the plain blob's empty section, int + byte)
    byte[] current = model.exportDense();
    int residualSection = current.length - plain.exportDense().length + 5;
    byte[] older = Arrays.copyOf(current, current.length - residualSection);
    ByteBuffer.wrap(older).putInt(4, 4);

    // When read
    MultiTaskModel reader = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    reader.importDense(older);

    // Then there is no residual, and everything else equals the plain twin's state
    assertThat(reader.residualRows("a", false)).isZero();
    assertThat(model.residualRows("a", false)).isPositive();
    assertThat(reader.denseParameters()).isEqualTo(plain.denseParameters());
    assertThat(reader.exportDense()).isEqualTo(plain.exportDense());
  }

  @Test
  void aGrownModelShouldCarryTheResiduals() {
    // Given a model with a promoted residual for a and a residual candidate for b
    MultiTaskModel model = trained(4, 20);
    model.attachResidualShadow("a", RATE);
    learn(model, 5, 5);
    model.promoteShadow(0);
    model.attachResidualShadow("b", RATE);
    model.learn(TransferStreams.batches(TransferStreams.TWO, 6, 1, 32, -1).get(0));

    // When it grows by a task
    MultiTaskModel grown = model.withTask(TaskSpec.binary("c"), 1.0);

    // Then the old tasks score as before, candidate and residuals included
    List<Map<String, Double>> before = model.predict(PROBE);
    List<Map<String, Double>> after = grown.predict(PROBE);
    assertThat(scoresOf(after, "a")).containsExactly(scoresOf(before, "a"));
    assertThat(scoresOf(after, "b")).containsExactly(scoresOf(before, "b"));
    assertThat(grown.predictShadow(PROBE)).containsExactly(model.predictShadow(PROBE));
    assertThat(grown.residualRows("a", false)).isEqualTo(model.residualRows("a", false));
    assertThat(grown.residualRows("b", true)).isEqualTo(model.residualRows("b", true));
  }

  @Test
  void theGuardShouldRollBackAResidualThatHurtsAndEndExactlyAsNoTransfer() {
    // Given a stationary stream (nothing to re-learn) and a residual learning at rate 10 (200x
    // the embedding rate), which fits noise; the twin takes no action
    TransferStreams.Twins twins = TransferStreams.warmTwins();
    MultiTaskModel model = twins.model();
    MultiTaskModel twin = twins.twin();
    DriftTransferController controller = new DriftTransferController(model,
        MANUAL.withResidualLearningRate(10.0));
    controller.startTransfer("a");

    // When the shadow span passes
    List<TransferEvent> events = twins.runBoth(controller);

    // Then the guard saw the candidate lose and dropped it: the model ends exactly as the twin
    assertThat(events).extracting(TransferEvent::kind)
        .containsExactly(TransferEvent.Kind.ROLLED_BACK);
    assertThat(events.get(0).candidateLoss()).isGreaterThan(events.get(0).incumbentLoss());
    assertThat(model.residualRows("a", false)).isZero();
    assertThat(model.exportDense()).isEqualTo(twin.exportDense());
    assertThat(model.predict(PROBE)).isEqualTo(twin.predict(PROBE));
  }

  @Test
  void shouldRejectWrongCallOrderAndBadArguments() {
    MultiTaskModel model = trained(4, 2);
    assertThatThrownBy(() -> model.attachResidualShadow("a", 0.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("learningRate: must be in (0, 10], got 0.0");
    assertThatThrownBy(() -> model.attachResidualShadow("a", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> model.attachResidualShadow("nope", RATE))
        .isInstanceOf(IllegalArgumentException.class);
    model.attachShadow("a", MultiTaskModel.ShadowStart.COPY_INCUMBENT, Map.of(), 0.0, 1.0);
    assertThatThrownBy(() -> model.attachResidualShadow("b", RATE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a shadow candidate for task 'a' is already attached");
  }
}
