package io.tandem.tests.support;

import io.tandem.model.generator.DriftSpec;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import java.util.List;
import java.util.Map;

/**
 * The generated stream on which Tandem's default drift watch (ADWIN over the baseline-gap signal,
 * 2,000 warm-up events) detects an abrupt drift of the click task within a few thousand events,
 * fast enough for integration tests: 40,000 ctr and 20,000 preference events over 50 users and
 * 30 items, task relatedness 0.2, click base rate 0.3, seed 11, ctr's specific factors re-drawn at
 * stream position {@link #DRIFT_AT} (ctr's own event ~26,667). A small population and a low
 * relatedness make the drift visible in the loss early (on the generator's default 5,000 × 2,000
 * population the model has learned too little of what the drift changes for it to show).
 * Measured with {@code tandem learn} and a small model at micro-batches of 8 to 200 events: the
 * alarm came at ctr's event 26,898–27,821 every time, i.e. 230–1,150 of its events after the
 * drift (a 100 × 50 population missed it at batch 100: batching differs run to run through the
 * topology's linger, so the margin matters).
 */
public final class DriftingStream {

  /** Events of the click task. */
  public static final int CTR_EVENTS = 40_000;
  /** Events of the preference task. */
  public static final int PREFERENCE_EVENTS = 20_000;
  /** Stream position (both tasks counted) where ctr drifts. */
  public static final long DRIFT_AT = 40_000;

  /**
   * Settings that make the learner's micro-batches deterministic on this stream: 60 events per
   * batch (60,000 = 1,000 full batches, so none is ever flushed partially) and a linger longer
   * than the test, so the wall-clock punctuator never cuts a batch short. The drift watch then
   * sees exactly what {@code tandem learn --set learner.batch.size=60} sees (alarm at ctr's event
   * 27,049, candidate promoted); with timing-dependent batches a run through a slow broker once
   * missed the alarm.
   */
  public static final Map<String, String> DETERMINISTIC_BATCHES = Map.of(
      "learner.batch.size", "60",
      "learner.batch.linger.ms", "60000");

  private DriftingStream() {}

  /** The generator configuration of the stream. */
  public static GeneratorConfig config() {
    return GeneratorConfig.defaults().withSeed(11L).withPopulation(50, 30)
        .withEvents(CTR_EVENTS, PREFERENCE_EVENTS).withRho(0.2).withCtrBaseRate(0.3)
        .withDrifts(List.of(DriftSpec.abrupt(StreamGenerator.CTR, DRIFT_AT)));
  }
}
