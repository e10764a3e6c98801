package io.tandem.tests.support;

import io.tandem.model.generator.DriftSpec;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import java.util.List;

/**
 * The generated stream on which Tandem's default drift watch (ADWIN over the baseline-gap signal,
 * 2,000 warm-up events) detects an abrupt drift of the click task within a few thousand events,
 * fast enough for integration tests: 40,000 ctr and 20,000 preference events over 100 users and
 * 50 items, task relatedness 0.2, click base rate 0.3, seed 11, ctr's specific factors re-drawn at
 * stream position {@link #DRIFT_AT}. A small population and a low relatedness make the drift
 * visible in the loss early (on the generator's default 5,000 × 2,000 population the model has
 * learned too little of what the drift changes for it to show). Measured through the topology:
 * the alarm comes at ctr's own event ~28,350, about 1,700 of its events after the drift.
 */
public final class DriftingStream {

  /** Events of the click task. */
  public static final int CTR_EVENTS = 40_000;
  /** Events of the preference task. */
  public static final int PREFERENCE_EVENTS = 20_000;
  /** Stream position (both tasks counted) where ctr drifts. */
  public static final long DRIFT_AT = 40_000;

  private DriftingStream() {}

  /** The generator configuration of the stream. */
  public static GeneratorConfig config() {
    return GeneratorConfig.defaults().withSeed(11L).withPopulation(100, 50)
        .withEvents(CTR_EVENTS, PREFERENCE_EVENTS).withRho(0.2).withCtrBaseRate(0.3)
        .withDrifts(List.of(DriftSpec.abrupt(StreamGenerator.CTR, DRIFT_AT)));
  }
}
