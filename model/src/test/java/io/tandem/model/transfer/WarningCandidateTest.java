package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Warning-started candidates ({@link TransferConfig#warningDelta()}): a more sensitive detector
 * starts the guarded candidate early and without the unguarded boosts; the guard still decides,
 * a promotion starts the re-learning boost, and the warning detector's state survives restarts.
 */
class WarningCandidateTest {

  /** A warning detector so sensitive that it fires on the noise of a stationary stream. */
  private static final double NOISY_DELTA = 0.9;

  /**
   * ADWIN watching from the start, a short shadow span, the residual candidate; the warning
   * detector set per test.
   */
  private static final TransferConfig WATCHED = TransferConfig.defaults().withWarmupEvents(0)
      .withShadowEvents(100);

  /**
   * On {@link #reversing()}, ADWIN after a 200-event warm-up with a warning detector of delta 0.1:
   * the warning fires at a's event 1,296 (batch 80), the drift alarm at 1,328 (batch 82), a
   * warning for the stationary b at its event 1,744 (batch 108), promoted at batch 115.
   */
  private static final TransferConfig EARLY = WATCHED.withWarmupEvents(200).withWarning(0.1,
      true);

  /** 160 batches of 32 over a and b; a reverses at event 2,560 (its 1,280th). */
  private static List<List<LabelledExample>> reversing() {
    return TransferStreams.batches(TransferStreams.TWO, 8, 160, 32, 2_560);
  }

  /** Runs {@code batches} from {@code from} until one yields an event matching {@code stop}. */
  private static int runUntil(MultiTaskModel model, DriftTransferController controller,
      List<List<LabelledExample>> batches, int from, Predicate<TransferEvent> stop) {
    int b = from;
    while (b < batches.size()
        && TransferStreams.step(model, controller, batches.get(b++)).stream().noneMatch(stop)) {
      // next batch
    }
    return b;
  }

  private static boolean isWarningStart(TransferEvent e) {
    return e.kind() == TransferEvent.Kind.STARTED
        && e.trigger() == TransferEvent.Trigger.DRIFT_WARNING;
  }

  @Test
  void aWarningStartedCandidateThatHurtsShouldBeRolledBackAndLeaveTheModelAsNoAction() {
    // Given a stationary stream, a warning detector that fires on its noise, and a residual at
    // rate 10 (200x the embedding rate) that fits noise; the re-learning boost is configured to
    // start on a warning candidate's promotion; the twin takes no action
    TransferStreams.Twins twins = TransferStreams.warmTwins();
    DriftTransferController controller = new DriftTransferController(twins.model(),
        WATCHED.withResidualLearningRate(10.0).withWarning(NOISY_DELTA, true));

    // When the stream runs up to the guard's first decision
    List<TransferEvent> events = new ArrayList<>();
    for (List<LabelledExample> batch : twins.next()) {
      events.addAll(TransferStreams.step(twins.model(), controller, batch));
      twins.twin().learn(batch);
      if (events.stream().anyMatch(e -> e.candidateLoss() != null)) {
        break;
      }
    }

    // Then a warning (not a drift alarm) started the candidate, the guard rolled it back, no
    // boost started, and the model is byte-identical to the twin
    assertThat(events).extracting(TransferEvent::kind).containsExactly(
        TransferEvent.Kind.STARTED, TransferEvent.Kind.ROLLED_BACK);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.trigger()).isEqualTo(TransferEvent.Trigger.DRIFT_WARNING);
      assertThat(e.detector()).isEqualTo(DriftTransferController.WARNING_DETECTOR);
    });
    TransferEvent decision = events.get(1);
    assertThat(decision.candidateLoss()).isGreaterThan(decision.incumbentLoss());
    assertThat(controller.watches()).filteredOn(w -> w.task().equals(decision.task()))
        .extracting(TaskWatch::rollbacks).containsExactly(1L);
    assertThat(twins.model().relearningTask()).isNull();
    assertThat(twins.model().shadowTask()).isNull();
    assertThat(twins.model().exportDense()).isEqualTo(twins.twin().exportDense());
  }

  @Test
  void aWarningShouldStartTheCandidateBeforeTheDriftAlarmAndWithoutTheBoost() {
    // Given the reversing stream, watched with a warning detector
    List<List<LabelledExample>> batches = reversing();
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model, EARLY);
    List<TransferEvent> events = new ArrayList<>();

    // When the stream runs up to the first warning-started candidate
    int b = runUntil(model, controller, batches, 0, e -> events.add(e)
        && isWarningStart(e));

    // Then it started for a after the reversal and before any drift alarm, with the candidate
    // in shadow and no boost
    assertThat(b).isEqualTo(81);
    assertThat(events).hasSize(1);
    TransferEvent started = events.get(0);
    assertThat(started.task()).isEqualTo("a");
    assertThat(started.detectedAtTaskEvent()).isGreaterThan(1_280);
    assertThat(started.candidateLoss()).isNull();
    assertThat(model.shadowTask()).isEqualTo("a");
    assertThat(model.relearningTask()).isNull();
    assertThat(controller.watches().get(0).alarms()).isZero();
  }

  @Test
  void aDriftAlarmDuringTheWarningCandidateShouldAdoptItAndStartTheBoost() {
    // Given the reversing stream up to a's warning-started candidate
    List<List<LabelledExample>> batches = reversing();
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model, EARLY);
    int b = runUntil(model, controller, batches, 0, WarningCandidateTest::isWarningStart);

    // When the stream runs on to the guard's decision
    List<TransferEvent> events = new ArrayList<>();
    runUntil(model, controller, batches, b, e -> events.add(e) && e.candidateLoss() != null);

    // Then a's drift alarm came, started no second candidate but the boost, and the decision on
    // the adopted candidate is the drift transfer's, dated at the warning
    assertThat(events).extracting(TransferEvent::kind).containsExactly(
        TransferEvent.Kind.DRIFT_DETECTED, TransferEvent.Kind.PROMOTED);
    TransferEvent alarm = events.get(0);
    TransferEvent decision = events.get(1);
    assertThat(alarm.detectedAtTaskEvent()).isEqualTo(1_328);
    assertThat(decision.trigger()).isEqualTo(TransferEvent.Trigger.DRIFT);
    assertThat(decision.detector()).isEqualTo("adwin");
    assertThat(decision.detectedAtTaskEvent()).isEqualTo(1_296);
    assertThat(decision.candidateLoss()).isLessThan(decision.incumbentLoss());
    assertThat(model.residualRows("a", false)).isPositive();
    assertThat(model.relearningTask()).isEqualTo("a");
  }

  @Test
  void anotherTasksDriftAlarmShouldDecideAWarningCandidateAtOnceAndStartItsTransfer() {
    // Given the reversing stream, a warning detector that fires on noise, and a shadow span long
    // enough that b's warning candidate still runs when a drifts
    List<List<LabelledExample>> batches = reversing();
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController controller = new DriftTransferController(model,
        WATCHED.withWarmupEvents(200).withShadowEvents(2_000).withWarning(NOISY_DELTA, true));

    // When the stream runs up to the batch of a's drift alarm
    List<TransferEvent> before = new ArrayList<>();
    List<TransferEvent> alarmBatch = List.of();
    for (List<LabelledExample> batch : batches) {
      List<TransferEvent> events = TransferStreams.step(model, controller, batch);
      if (events.stream().anyMatch(e -> e.kind() == TransferEvent.Kind.DRIFT_DETECTED
          && e.task().equals("a"))) {
        alarmBatch = events;
        break;
      }
      before.addAll(events);
    }

    // Then b's warning candidate was running, and in the alarm's batch it was decided (on the
    // span it had seen) right before a's drift transfer started, with the boost
    assertThat(before).filteredOn(WarningCandidateTest::isWarningStart)
        .extracting(TransferEvent::task).last().isEqualTo("b");
    assertThat(alarmBatch).extracting(TransferEvent::kind).containsExactly(
        TransferEvent.Kind.DRIFT_DETECTED, alarmBatch.get(1).kind(), TransferEvent.Kind.STARTED);
    TransferEvent preempted = alarmBatch.get(1);
    assertThat(preempted.task()).isEqualTo("b");
    assertThat(preempted.kind()).isIn(TransferEvent.Kind.PROMOTED,
        TransferEvent.Kind.ROLLED_BACK);
    assertThat(preempted.trigger()).isEqualTo(TransferEvent.Trigger.DRIFT_WARNING);
    assertThat(alarmBatch.get(2).task()).isEqualTo("a");
    assertThat(alarmBatch.get(2).trigger()).isEqualTo(TransferEvent.Trigger.DRIFT);
    assertThat(model.shadowTask()).isEqualTo("a");
    assertThat(model.relearningTask()).isEqualTo("a");
  }

  @Test
  void thePromotionOfAWarningCandidateShouldStartTheBoostOnlyWhenConfigured() {
    // Given the reversing stream run by two controllers that differ only in whether a warning
    // candidate's promotion starts the re-learning boost
    List<List<LabelledExample>> batches = reversing();
    MultiTaskModel boosting = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    MultiTaskModel plain = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController withBoost = new DriftTransferController(boosting, EARLY);
    DriftTransferController withoutBoost = new DriftTransferController(plain,
        EARLY.withWarning(0.1, false));
    Predicate<TransferEvent> warningPromotion = e -> e.kind() == TransferEvent.Kind.PROMOTED
        && e.trigger() == TransferEvent.Trigger.DRIFT_WARNING;

    // When each runs up to the promotion of b's warning candidate (a's drift boost runs then)
    int b1 = runUntil(boosting, withBoost, batches, 0, warningPromotion);
    int b2 = runUntil(plain, withoutBoost, batches, 0, warningPromotion);

    // Then the promotion moved the boost to b in the first only
    assertThat(b1).isEqualTo(b2).isLessThan(batches.size());
    assertThat(boosting.relearningTask()).isEqualTo("b");
    assertThat(plain.relearningTask()).isEqualTo("a");
    assertThat(boosting.residualRows("b", false)).isPositive();
  }

  @Test
  void theWarningDetectorShouldSurviveARestartMidShadowBitIdentically() throws IOException {
    // Given a run that never stops and one stopped while a warning candidate runs
    List<List<LabelledExample>> batches = reversing();
    TransferConfig config = EARLY;
    MultiTaskModel straight = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    DriftTransferController straightController = new DriftTransferController(straight, config);
    int b = runUntil(straight, straightController, batches, 0,
        WarningCandidateTest::isWarningStart);
    assertThat(straight.shadowTask()).isEqualTo("a");
    ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
    straight.writeSnapshot(snapshot);
    MultiTaskModel restored = MultiTaskModel.readSnapshot(
        new ByteArrayInputStream(snapshot.toByteArray()));
    DriftTransferController restoredController = new DriftTransferController(restored, config);
    restoredController.importState(straightController.exportState());

    // When both continue
    List<List<LabelledExample>> rest = batches.subList(b, batches.size());
    List<TransferEvent> a = TransferStreams.run(straight, straightController, rest);
    List<TransferEvent> c = TransferStreams.run(restored, restoredController, rest);

    // Then they act identically and end bit-identical, warning detectors included
    assertThat(a).isNotEmpty().isEqualTo(c);
    assertThat(restored.exportDense()).isEqualTo(straight.exportDense());
    assertThat(restoredController.exportState()).isEqualTo(straightController.exportState());
  }

  @Test
  void aVersionTwoStateShouldReadWithFreshWarningDetectors() throws IOException {
    // Given a controller state (still warming up) written in format 2, before warning detectors
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    TransferConfig config = WATCHED.withWarmupEvents(1_000).withWarning(0.1, true);
    DriftTransferController controller = new DriftTransferController(model, config);
    TransferStreams.run(model, controller, TransferStreams.batches(TransferStreams.TWO, 2, 10,
        32, -1));
    byte[] version2 = asVersionTwo(controller.exportState(), 2);

    // When a controller with a warning detector reads it
    DriftTransferController reader = new DriftTransferController(model, config);
    reader.importState(version2);

    // Then the watches are those written, and re-written in the current format they equal the
    // original (the warning detectors were fresh in both and the recent levels not yet started:
    // nothing was lost)
    assertThat(reader.watches()).isEqualTo(controller.watches());
    assertThat(reader.exportState()).isEqualTo(controller.exportState());
  }

  /**
   * Rewrites a format-4 controller state of {@code tasks} tasks without a shadow and without
   * onboardings as format 2: each watch without its warning part and its slow recent level (4),
   * no trailing shadow flag.
   */
  private static byte[] asVersionTwo(byte[] state, int tasks) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(in.readInt());
    assertThat(in.readInt()).isEqualTo(4);
    out.writeInt(2);
    out.writeUTF(in.readUTF());
    out.writeUTF(in.readUTF());
    out.writeInt(in.readInt());
    for (int t = 0; t < tasks; t++) {
      out.writeUTF(in.readUTF());
      for (int i = 0; i < 5; i++) {
        out.writeLong(in.readLong());
      }
      for (int i = 0; i < 4; i++) {
        out.writeDouble(in.readDouble());
      }
      byte[] detector = new byte[in.readInt()];
      in.readFully(detector);
      out.writeInt(detector.length);
      out.write(detector);
      in.readLong();
      in.readLong();
      in.readDouble();
      in.readFully(new byte[in.readInt()]);
      in.readDouble();
    }
    byte[] rest = in.readAllBytes();
    out.write(rest, 0, rest.length - 1);
    out.flush();
    return bytes.toByteArray();
  }
}
