package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.generator.GeneratorConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The onboarding measurement on the generator's ground truth, reduced to run in seconds. Whether
 * the warm start wins on such a short stream depends on the draw; what must hold whatever the
 * decision is the guard: never worse than the fresh tower. The gain is measured by
 * {@link OnboardingExperiment#main} on the reference setup (README).
 */
class OnboardingExperimentTest {

  /** How much worse (squared rating error) an onboarded run may be in a span: the guard's. */
  private static final double GUARD_TOLERANCE = 0.01;

  /** The reference setup with {@code rho}, shortened: declared at event 40,000, 4,000 events. */
  private static OnboardingExperiment.Setup setup(double rho) {
    OnboardingExperiment.Setup reference = OnboardingExperiment.referenceSetup(rho);
    GeneratorConfig stream = reference.stream().withEvents(40_000, 40_000);
    return new OnboardingExperiment.Setup(stream, reference.model(), reference.transfer(),
        reference.batchSize(), 40_000, List.of(1_000, 4_000));
  }

  @ParameterizedTest(name = "rho {0}")
  @ValueSource(doubles = {0.8, 0.0})
  void shouldNeverBeWorseThanTheFreshTowerAfterTheGuardDecided(double rho) {
    // Given a stream whose preference task is related to ctr by rho
    OnboardingExperiment.Setup setup = setup(rho);

    // When preference is declared mid-stream, with and without onboarding
    OnboardingExperiment.Result fresh = OnboardingExperiment.run(setup,
        OnboardingExperiment.Mode.FRESH);
    OnboardingExperiment.Result onboard = OnboardingExperiment.run(setup,
        OnboardingExperiment.Mode.ONBOARD);

    // Then the first 1,000 events are identical (collection, then the shadow: the fresh tower
    // serves both), ctr was the source, the guard decided, and no span is worse than without
    // onboarding beyond the tolerance (a rolled-back candidate changes nothing)
    assertThat(onboard.spanLosses().get(0)).isEqualTo(fresh.spanLosses().get(0));
    assertThat(onboard.events()).extracting(TransferEvent::kind).first()
        .isEqualTo(TransferEvent.Kind.STARTED);
    assertThat(onboard.events()).hasSize(2);
    assertThat(onboard.events().get(0).sources().get(0).task()).isEqualTo("ctr");
    assertThat(fresh.events()).isEmpty();
    for (int s = 0; s < fresh.spanLosses().size(); s++) {
      assertThat(onboard.spanLosses().get(s))
          .isLessThanOrEqualTo(fresh.spanLosses().get(s) + GUARD_TOLERANCE);
    }
  }
}
