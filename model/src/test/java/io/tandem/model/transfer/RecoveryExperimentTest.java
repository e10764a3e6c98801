package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.generator.DriftSpec;
import io.tandem.model.generator.StreamGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryExperimentTest {

  /**
   * How much better (nats of mean log loss over the drifted task's last 5,000 events) the
   * default transfer must end than no action on the stream below: measured 0.3082 vs 0.3097
   * (0.0015; the residual candidate, started by the warning detector at ctr event 50,741,
   * adopted by the drift alarm at 52,408 and promoted, plus the re-learning boost; without the
   * warning detector 0.3080; model defaults with normalised loss weights; the guarded residual
   * alone: 0.3091). About two thirds of it is required:
   * the runs are deterministic, so only a change of the model or the recipe moves it, and a
   * recipe that stops helping fails.
   */
  private static final double TRANSFER_MARGIN = 0.001;
  /**
   * How much worse (squared error of ratings) the other task may end: measured 0.0003 better
   * (0.3654 vs 0.3657; without the warning detector 0.3651; the residual itself cannot touch
   * it, the re-learning boost could);
   * stronger re-learning boosts cost it more (on earlier defaults, embeddings x3 or x5 for
   * 60,000 events: +0.027, +0.059), which this bound would catch.
   */
  private static final double OTHER_TASK_TOLERANCE = 0.005;

  @Test
  void recoveryShouldCountEventsUntilTheWindowIsBackAfterRising() {
    // Given a loss at 1.0 that jumps to 2.0 at index 10 and is back to 1.0 from index 20
    double[] values = new double[40];
    for (int i = 0; i < values.length; i++) {
      values[i] = i >= 10 && i < 20 ? 2.0 : 1.0;
    }

    // Then with windows of 4 and level 1.05 the window [20, 24) is the first back: 14 events
    assertThat(RecoveryExperiment.recovery(values, 10, 40, 4, 1.05)).isEqualTo(14);
    // a loss that never rose has nothing to recover from
    assertThat(RecoveryExperiment.recovery(values, 24, 40, 4, 1.05)).isZero();
    // and one that never comes back is -1
    assertThat(RecoveryExperiment.recovery(values, 10, 18, 4, 1.05)).isEqualTo(-1);
  }

  @Test
  void recoveryShouldNotCountADipUnderTheLevelWhileTheLossStillRises() {
    // Given a loss at 1.0 that is 2.0 over [10, 14), dips to 1.0 over [14, 20) (the windows
    // ending at 18, 19 and 20 are back within), is 2.0 again over [20, 28) and 1.0 from 28 on
    double[] values = new double[60];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i >= 10 && i < 14) || (i >= 20 && i < 28) ? 2.0 : 1.0;
    }

    // Then with windows of 4 and level 1.05: the dip holds for 3 windows, fewer than the 4 a
    // recovery must hold (the first mean back, 8 events after the drift, is not a recovery), so
    // the recovery is the window [28, 32), 22 events after the drift
    assertThat(RecoveryExperiment.recovery(values, 10, 60, 4, 1.05)).isEqualTo(22);
    // and a recovery that cannot be held for a window before the data ends does not count
    assertThat(RecoveryExperiment.recovery(values, 10, 34, 4, 1.05)).isEqualTo(-1);
  }

  @Test
  void studyTableShouldReportMeanSpreadChangeAndCensoredRuns() {
    // Given two arms over two seeds: no action recovers in 10,000 and 20,000 events; the other
    // arm in 6,000 and never (its post-drift span is 30,000 events)
    TransferConfig config = TransferConfig.defaults();
    RecoveryExperiment.ArmResult none = new RecoveryExperiment.ArmResult(
        new RecoveryExperiment.Arm("no action", RecoveryExperiment.Mode.NO_TRANSFER, config),
        List.of(1L, 2L), List.of(result(10_000, 0.30), result(20_000, 0.32)));
    RecoveryExperiment.ArmResult other = new RecoveryExperiment.ArmResult(
        new RecoveryExperiment.Arm("transfer", RecoveryExperiment.Mode.TRANSFER, config),
        List.of(1L, 2L), List.of(result(6_000, 0.28), result(-1, 0.30)));

    // When the table is rendered
    String table = RecoveryExperiment.studyTable("abrupt", List.of(none, other));

    // Then no action: mean 15,000, sample sd 7,071 (sqrt(2) * 5,000), final 0.3100 ± 0.0141;
    // the other arm counts the run that never recovered as 30,000 (marked): mean 18,000 (+20%)
    assertThat(table).contains("| abrupt | no action | 2/2 | 0 / 0 | 15,000 ± 7,071 | +0% |"
        + " 10,000 / 20,000 |");
    assertThat(table).contains("| 0.3100 ± 0.0141 |");
    assertThat(table).contains("| abrupt | transfer | 2/2 | 0 / 0 | ≥18,000 ± 16,971 | +20% |"
        + " 6,000 / ≥30,000 |");
  }

  /** A run with the given recovery (raw alike) and final loss; detection after 100 events. */
  private static RecoveryExperiment.Result result(long recovery, double finalLoss) {
    return new RecoveryExperiment.Result(RecoveryExperiment.Mode.TRANSFER, "ctr", 50_000, 0,
        100, 0.28, 0.31, recovery, recovery, finalLoss, 0.25, 0.24, 30_000, 0.5, List.of());
  }

  @Test
  void shouldDetectTheDriftAfterItHappensAndEndBetterWithTransferThanWithout() {
    // Given the reference setup reduced to 160,000 events with an abrupt ctr drift at 100,000
    RecoveryExperiment.Setup setup = RecoveryExperiment.referenceSetup(160_000, 0.0,
        DriftSpec.abrupt(StreamGenerator.CTR, 100_000));

    // When it runs without and with transfer (seed 42, the reference setup's own; both runs at
    // once)
    List<RecoveryExperiment.ArmResult> arms = RecoveryExperiment.study(setup,
        RecoveryExperiment.referenceArms(setup.transfer()).subList(0, 2), List.of(42L), 2);
    RecoveryExperiment.Result none = arms.get(0).runs().get(0);
    RecoveryExperiment.Result transfer = arms.get(1).runs().get(0);

    // Then the detector fires after the drift, not before
    assertThat(none.falseAlarms()).isZero();
    assertThat(none.detectionDelay()).isPositive();
    assertThat(none.postDriftLoss()).isGreaterThan(none.preDriftLoss());
    // and every transfer was decided by the guard, and the default recipe ends better than
    // doing nothing for the drifted task, at little cost to the other one
    assertThat(transfer.count(TransferEvent.Kind.STARTED)).isPositive();
    assertThat(transfer.count(TransferEvent.Kind.PROMOTED)
        + transfer.count(TransferEvent.Kind.ROLLED_BACK))
        .isEqualTo(transfer.count(TransferEvent.Kind.STARTED));
    assertThat(transfer.finalLoss()).isLessThan(none.finalLoss() - TRANSFER_MARGIN);
    assertThat(transfer.otherFinalLoss())
        .isLessThanOrEqualTo(none.otherFinalLoss() + OTHER_TASK_TOLERANCE);
  }
}
