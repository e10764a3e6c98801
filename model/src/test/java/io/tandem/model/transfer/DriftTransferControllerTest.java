package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftTransferControllerTest {

  private static final TransferConfig MANUAL = TransferStreams.MANUAL;

  @Test
  void shouldChooseNoSourcesWhenNoTaskHasPositiveAffinity() {
    // Given a model that never learned: every affinity is 0
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.THREE);
    DriftTransferController controller = new DriftTransferController(model,
        MANUAL.withCandidateInit(CandidateInit.BLEND));

    // When a transfer starts for task a
    TransferEvent started = controller.startTransfer("a");

    // Then it has no sources (and the blend recipe fell back to a copy of the incumbent)
    assertThat(controller.chooseSources(0)).isEmpty();
    assertThat(started.kind()).isEqualTo(TransferEvent.Kind.STARTED);
    assertThat(started.sources()).isEmpty();
    assertThat(model.shadowTask()).isEqualTo("a");
  }

  @Test
  void shouldChooseTheMostRelatedTasksBestFirst() {
    // Given a model trained on a, its twin b and the unrelated c
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.THREE);
    for (List<LabelledExample> batch : TransferStreams.batches(TransferStreams.THREE, 3, 120,
        48, -1)) {
      model.learn(batch);
    }
    DriftTransferController all = new DriftTransferController(model,
        MANUAL.withSources(0.0, 16));
    DriftTransferController one = new DriftTransferController(model, MANUAL.withSources(0.0, 1));
    DriftTransferController strict = new DriftTransferController(model,
        MANUAL.withSources(0.999, 16));

    // When sources for a are chosen
    List<TransferEvent.SourceTask> sources = all.chooseSources(0);

    // Then the twin b leads, every source has positive affinity, sorted by it; the limits apply
    assertThat(model.affinity("b", "a")).isPositive();
    assertThat(sources).isNotEmpty();
    assertThat(sources.get(0).task()).isEqualTo("b");
    assertThat(sources).allSatisfy(s -> assertThat(s.affinity()).isPositive());
    assertThat(sources).extracting(TransferEvent.SourceTask::affinity)
        .isSortedAccordingTo((x, y) -> Double.compare(y, x));
    assertThat(one.chooseSources(0)).containsExactly(sources.get(0));
    assertThat(strict.chooseSources(0)).allSatisfy(
        s -> assertThat(s.affinity()).isGreaterThan(0.999));
  }

  @Test
  void shouldRollBackAClearlyWorseCandidateAndLeaveTheIncumbentUntouched() {
    // Given a trained model and its identical twin, and a candidate that is a fresh tower (the
    // tower-only recipe: the re-learning boost, which a rollback does not undo, is off)
    TransferStreams.Twins twins = TransferStreams.warmTwins();
    MultiTaskModel model = twins.model();
    DriftTransferController controller = new DriftTransferController(model,
        MANUAL.withCandidateInit(CandidateInit.RESET).withBoost(1.0, 0)
            .withRelearning(1.0, 1.0, 0));
    controller.startTransfer("a");

    // When the shadow span passes
    List<TransferEvent> events = twins.runBoth(controller);

    // Then the candidate lost and was rolled back
    assertThat(events).hasSize(1);
    TransferEvent decision = events.get(0);
    assertThat(decision.kind()).isEqualTo(TransferEvent.Kind.ROLLED_BACK);
    assertThat(decision.candidateLoss()).isGreaterThan(decision.incumbentLoss());
    assertThat(model.shadowTask()).isNull();
    assertThat(controller.watches().get(0).rollbacks()).isEqualTo(1);
    // and the incumbent learned exactly as if there had been no shadow
    List<LabelledExample> probe = twins.next().get(0);
    assertThat(model.predict(TransferStreams.examples(probe)))
        .isEqualTo(twins.twin().predict(TransferStreams.examples(probe)));
    assertThat(model.exportDense()).isEqualTo(twins.twin().exportDense());
  }

  @Test
  void shouldStartTheRelearningBoostWithATransferAndKeepItThroughARollback() {
    // Given a trained model and a transfer with a candidate that will lose (a fresh tower)
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    for (List<LabelledExample> batch : TransferStreams.batches(TransferStreams.TWO, 5, 80, 32,
        -1)) {
      model.learn(batch);
    }
    DriftTransferController controller = new DriftTransferController(model,
        MANUAL.withCandidateInit(CandidateInit.RESET).withRelearning(4.0, 2.0, 5_000));
    MultiTaskModel quiet = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController off = new DriftTransferController(quiet,
        MANUAL.withRelearning(4.0, 2.0, 0));

    // When the transfer starts and its shadow span passes
    controller.startTransfer("a");
    String started = model.relearningTask();
    List<TransferEvent> events = TransferStreams.run(model, controller,
        TransferStreams.batches(TransferStreams.TWO, 6, 30, 32, -1));

    // Then the boost started with it and outlives the rollback (it is not the guard's to undo)
    assertThat(started).isEqualTo("a");
    assertThat(events).extracting(TransferEvent::kind)
        .containsExactly(TransferEvent.Kind.ROLLED_BACK);
    assertThat(model.relearningTask()).isEqualTo("a");
    // and a span of 0 starts none
    off.startTransfer("a");
    assertThat(quiet.relearningTask()).isNull();
  }

  @Test
  void shouldPromoteABetterCandidate() {
    // Given a model trained on a stream whose task a reverses at event 2,560
    List<List<LabelledExample>> batches = TransferStreams.batches(TransferStreams.TWO, 8, 100,
        32, 2_560);
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model,
        MANUAL.withCandidateInit(CandidateInit.RESET).withBoost(10.0, 1_000));
    List<TransferEvent> events = TransferStreams.run(model, controller, batches.subList(0, 80));

    // When a candidate starts at the reversal and the shadow span passes
    controller.startTransfer("a");
    events.addAll(TransferStreams.run(model, controller, batches.subList(80, 100)));

    // Then the candidate, free of the old concept, won and serves
    assertThat(events).extracting(TransferEvent::kind)
        .containsExactly(TransferEvent.Kind.PROMOTED);
    TransferEvent decision = events.get(0);
    assertThat(decision.candidateLoss()).isLessThan(decision.incumbentLoss());
    assertThat(decision.metric()).isEqualTo("logloss");
    assertThat(model.shadowTask()).isNull();
    assertThat(controller.watches().get(0).promotions()).isEqualTo(1);
  }

  @Test
  void shouldDetectADriftAndStartATransfer() {
    // Given a watched model (ADWIN, short warm-up) on a stream whose task a reverses
    List<List<LabelledExample>> batches = TransferStreams.batches(TransferStreams.TWO, 9, 160,
        32, 2_560);
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model,
        TransferConfig.defaults().withWarmupEvents(500).withShadowEvents(300));

    // When the stream runs
    List<TransferEvent> events = TransferStreams.run(model, controller, batches);

    // Then a's drift is detected after the reversal (a's 1,280th event), a transfer starts and
    // is decided
    TransferEvent detected = events.get(0);
    assertThat(detected.kind()).isEqualTo(TransferEvent.Kind.DRIFT_DETECTED);
    assertThat(detected.task()).isEqualTo("a");
    assertThat(detected.detector()).isEqualTo("adwin");
    assertThat(detected.detectedAtTaskEvent()).isGreaterThan(1_280);
    assertThat(detected.candidateLoss()).isNull();
    assertThat(events.get(1).kind()).isEqualTo(TransferEvent.Kind.STARTED);
    assertThat(events.get(1).detectedAtTaskEvent()).isEqualTo(detected.detectedAtTaskEvent());
    assertThat(events.get(2).kind()).isIn(TransferEvent.Kind.PROMOTED,
        TransferEvent.Kind.ROLLED_BACK);
    assertThat(controller.watches().get(0).alarms()).isPositive();
  }

  @Test
  void shouldContinueBitIdenticallyAfterARestartMidShadow() throws IOException {
    // Given a run that never stops, and one stopped mid-shadow (model snapshot + controller
    // state) and restored into fresh objects
    List<List<LabelledExample>> batches = TransferStreams.batches(TransferStreams.TWO, 10, 70,
        32, 1_280);
    TransferConfig config = MANUAL.withBoost(4.0, 500).withLossWeightBoost(2.0);
    MultiTaskModel straight = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController straightController = new DriftTransferController(straight, config);
    TransferStreams.run(straight, straightController, batches.subList(0, 40));
    straightController.startTransfer("a");
    TransferStreams.run(straight, straightController, batches.subList(40, 45));

    ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
    straight.writeSnapshot(snapshot);
    byte[] controllerState = straightController.exportState();
    MultiTaskModel restored = MultiTaskModel.readSnapshot(
        new ByteArrayInputStream(snapshot.toByteArray()));
    DriftTransferController restoredController = new DriftTransferController(restored, config);
    restoredController.importState(controllerState);

    // When both continue over the rest of the shadow span and beyond
    List<TransferEvent> a = TransferStreams.run(straight, straightController, batches.subList(45, 70));
    List<TransferEvent> b = TransferStreams.run(restored, restoredController, batches.subList(45, 70));

    // Then they decide identically and end bit-identical
    assertThat(a).isNotEmpty();
    assertThat(b).isEqualTo(a);
    assertThat(restored.exportDense()).isEqualTo(straight.exportDense());
    assertThat(restoredController.exportState()).isEqualTo(straightController.exportState());
    ByteArrayOutputStream endA = new ByteArrayOutputStream();
    ByteArrayOutputStream endB = new ByteArrayOutputStream();
    straight.writeSnapshot(endA);
    restored.writeSnapshot(endB);
    assertThat(endB.toByteArray()).isEqualTo(endA.toByteArray());
  }

  @Test
  void shouldRefuseToRunWhenOnlyTheModelWasRestoredMidShadow() throws IOException {
    // Given a model with a shadow candidate restored without its controller state
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model, MANUAL);
    controller.startTransfer("a");
    ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
    model.writeSnapshot(snapshot);
    MultiTaskModel restored = MultiTaskModel.readSnapshot(
        new ByteArrayInputStream(snapshot.toByteArray()));
    DriftTransferController fresh = new DriftTransferController(restored, MANUAL);
    List<LabelledExample> batch = TransferStreams.batches(TransferStreams.TWO, 1, 1, 4, -1)
        .get(0);

    // Then learning says what is wrong
    assertThatThrownBy(() -> TransferStreams.step(restored, fresh, batch))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("restore both states together");
  }

  @Test
  void shouldRejectScoresThatDoNotMatchTheBatch() {
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model, MANUAL);
    List<LabelledExample> batch = TransferStreams.batches(TransferStreams.TWO, 1, 1, 4, -1)
        .get(0);

    assertThatThrownBy(() -> controller.learn(batch, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 score maps for 4 events");
    List<Map<String, Double>> missing = List.of(Map.of(), Map.of(), Map.of(), Map.of());
    assertThatThrownBy(() -> controller.learn(batch, missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scores[0].a");
    assertThat(model.version()).isZero();
  }

  @Test
  void shouldRejectAForeignOrMismatchedState() {
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model, MANUAL);
    byte[] other = new DriftTransferController(model,
        MANUAL.withDetector(DetectorKind.ADWIN)).exportState();

    assertThatThrownBy(() -> controller.importState(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Tandem transfer-controller state");
    assertThatThrownBy(() -> controller.importState(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("written with detector ADWIN");
    byte[] good = controller.exportState();
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> controller.importState(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated or malformed");
  }

  @Test
  void watchesShouldCountEachTasksEventsAndWarmup() {
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model,
        TransferConfig.defaults().withWarmupEvents(100));

    TransferStreams.run(model, controller, TransferStreams.batches(TransferStreams.TWO, 2, 3, 20, -1));

    assertThat(controller.watches()).containsExactly(
        new TaskWatch("a", "adwin", 30, 70, false, 0, 0, 0),
        new TaskWatch("b", "adwin", 30, 70, false, 0, 0, 0));
  }
}
