package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.generator.DriftSpec;
import io.tandem.model.generator.StreamGenerator;
import org.junit.jupiter.api.Test;

class RecoveryExperimentTest {

  /** How much worse (nats of mean log loss over the last window) a transfer run may end. */
  private static final double GUARD_TOLERANCE = 0.005;

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
  void shouldDetectTheDriftAfterItHappensAndNeverEndWorseWithTransfer() {
    // Given the reference setup reduced to 160,000 events with an abrupt ctr drift at 100,000
    RecoveryExperiment.Setup setup = RecoveryExperiment.referenceSetup(160_000, 0.0,
        DriftSpec.abrupt(StreamGenerator.CTR, 100_000));

    // When it runs without and with transfer
    RecoveryExperiment.Result none = RecoveryExperiment.recover(setup,
        RecoveryExperiment.Mode.NO_TRANSFER);
    RecoveryExperiment.Result transfer = RecoveryExperiment.recover(setup,
        RecoveryExperiment.Mode.TRANSFER);

    // Then the detector fires after the drift, not before
    assertThat(none.falseAlarms()).isZero();
    assertThat(none.detectionDelay()).isPositive();
    assertThat(none.postDriftLoss()).isGreaterThan(none.preDriftLoss());
    // and the guarded transfer ends no worse than doing nothing
    assertThat(transfer.count(TransferEvent.Kind.STARTED)).isPositive();
    assertThat(transfer.count(TransferEvent.Kind.PROMOTED)
        + transfer.count(TransferEvent.Kind.ROLLED_BACK))
        .isEqualTo(transfer.count(TransferEvent.Kind.STARTED));
    assertThat(transfer.finalLoss()).isLessThanOrEqualTo(none.finalLoss() + GUARD_TOLERANCE);
  }
}
