package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TransferConfig}: its builder, its copies and its validation; {@link TransferEvent}'s
 * trigger rule. */
class TransferConfigTest {

  @Test
  void aBuilderWithoutChangesShouldBuildTheDefaultsAndACopyShouldChangeOneSettingOnly() {
    // Given the defaults
    TransferConfig defaults = TransferConfig.defaults();

    // When copied unchanged, through the builder, and with one setting changed
    TransferConfig same = defaults.toBuilder().build();
    TransferConfig fromNew = new TransferConfig.Builder().build();
    TransferConfig changed = defaults.withWarning(0.3, true);

    // Then the unchanged copies equal the defaults, and the copy differs only where asked
    assertThat(same).isEqualTo(defaults);
    assertThat(fromNew).isEqualTo(defaults);
    assertThat(changed.warningDelta()).isEqualTo(0.3);
    assertThat(changed.warningRelearn()).isTrue();
    assertThat(changed.toBuilder().warning(defaults.warningDelta(), defaults.warningRelearn())
        .build()).isEqualTo(defaults);
  }

  @Test
  void everyWithCopyShouldKeepTheOtherSettings() {
    // Given a config whose every setting differs from the defaults
    TransferConfig base = new TransferConfig.Builder().detector(DetectorKind.DDM)
        .signal(DriftSignal.RAW_LOSS).warmupEvents(7).transferEnabled(false).shadowEvents(9)
        .sources(0.25, 3).candidateInit(CandidateInit.KEEP).boost(4.0, 11)
        .lossWeightBoost(5.0).onboardEvents(13).relearning(6.0, 7.0, 17)
        .residualLearningRate(0.5).warning(0.2, false).build();

    // When each withX re-sets its own setting to the value it already has
    List<TransferConfig> copies = List.of(base.withDetector(DetectorKind.DDM),
        base.withSignal(DriftSignal.RAW_LOSS), base.withWarmupEvents(7),
        base.withTransferEnabled(false), base.withShadowEvents(9), base.withSources(0.25, 3),
        base.withCandidateInit(CandidateInit.KEEP), base.withBoost(4.0, 11),
        base.withLossWeightBoost(5.0), base.withOnboardEvents(13),
        base.withRelearning(6.0, 7.0, 17), base.withResidualLearningRate(0.5),
        base.withWarning(0.2, false));

    // Then every copy equals the base: no setting was lost or swapped on the way
    assertThat(copies).allSatisfy(c -> assertThat(c).isEqualTo(base));
    assertThat(base.maxSources()).isEqualTo(3);
    assertThat(base.recoveryEvents()).isEqualTo(11);
    assertThat(base.relearnSharedBoost()).isEqualTo(7.0);
  }

  @Test
  void shouldRejectAWarningDeltaOutsideItsRangeNamingIt() {
    TransferConfig defaults = TransferConfig.defaults();

    assertThatThrownBy(() -> defaults.withWarning(1.0, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("warningDelta: must be in [0, 1) (0 = no warning detector), got 1.0");
    assertThatThrownBy(() -> defaults.withWarning(-0.1, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got -0.1");
    assertThatThrownBy(() -> defaults.withWarning(Double.NaN, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got NaN");
    assertThatThrownBy(() -> defaults.withRelearning(0.5, 1.0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("relearnEmbeddingBoost: must be finite and in [1, 100], got 0.5");
    assertThat(defaults.withWarning(0.0, true).warningDelta()).isZero();
  }

  @Test
  void anEventsTriggerShouldFollowItsActionUnlessGivenAndBeChecked() {
    // When events are made with the older constructor, Then the trigger follows the action
    TransferEvent drift = new TransferEvent(TransferEvent.Kind.STARTED, "a",
        TransferEvent.Action.TRANSFER, "adwin", 1, List.of(), "logloss", 0.3, null, 1);
    TransferEvent onboard = new TransferEvent(TransferEvent.Kind.STARTED, "a",
        TransferEvent.Action.ONBOARD, null, 1, List.of(), "logloss", 0.3, null, 1);
    assertThat(drift.trigger()).isEqualTo(TransferEvent.Trigger.DRIFT);
    assertThat(onboard.trigger()).isEqualTo(TransferEvent.Trigger.NEW_TASK);

    // and a trigger that contradicts the action is rejected
    assertThatThrownBy(() -> new TransferEvent(TransferEvent.Kind.STARTED, "a",
        TransferEvent.Action.TRANSFER, "adwin", 1, List.of(), "logloss", 0.3, null, 1,
        TransferEvent.Trigger.NEW_TASK)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trigger: must be NEW_TASK exactly for an ONBOARD action");
  }
}
