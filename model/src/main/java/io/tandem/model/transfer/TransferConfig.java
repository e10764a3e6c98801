package io.tandem.model.transfer;

import java.util.Objects;

/**
 * Settings of a {@link DriftTransferController}. Immutable; validated on construction; change
 * settings with the {@code withX} copies of {@link #defaults()}.
 *
 * @param detector which detector watches each task; not null
 * @param signal what the detector watches; not null
 * @param warmupEvents task events after the start and after each transfer decision during which
 *     the task's detector sees no values (so it cannot alarm), &gt;= 0
 * @param transferEnabled whether an alarm starts a transfer; false = alarms are only reported
 * @param shadowEvents task events the candidate runs in shadow before the decision, &gt;= 1
 * @param minAffinity a task is a transfer source only if its affinity towards the drifted task is
 *     greater than this, finite, &gt;= 0
 * @param maxSources at most this many sources, best affinity first, 1..16
 * @param candidateInit how the candidate tower is initialised; not null
 * @param learningRateBoost factor on the dense learning rate of the candidate tower while in
 *     shadow and, once promoted, of the task's tower for {@code recoveryEvents} more model events,
 *     finite, in [1, 100]
 * @param lossWeightBoost factor on the drifted task's loss weight (so on its gradient into the
 *     shared part and the embeddings, which the guard cannot undo) from the start of a transfer
 *     for {@code recoveryEvents} model events, finite, in [1, 100]; 1 = off
 * @param recoveryEvents length of the boosted spans (learning rate after a promotion, loss weight
 *     after a start), in model events, &gt;= 0
 * @param onboardEvents events of a task added at runtime to collect before its warm-start
 *     candidate is built, and then the length of that candidate's shadow span, in the task's
 *     events, &gt;= 1 (see {@code TaskOnboarding})
 * @param relearnEmbeddingBoost factor on the embedding learning rate of the user and item rows
 *     that the drifted task's events touch, from the start of a transfer for
 *     {@code relearnEvents} model events ({@link io.tandem.model.MultiTaskModel#boostRelearning};
 *     not undone by a rollback), finite, in [1, 100]; 1 = off
 * @param relearnSharedBoost factor on the shared dense part's learning rate over the same span,
 *     finite, in [1, 100]; 1 = off
 * @param relearnEvents length of the re-learning span, in model events, &gt;= 0; 0 = off
 * @param residualLearningRate Adagrad learning rate of the rows of a
 *     {@link CandidateInit#RESIDUAL} candidate (a task-specific embedding residual), finite, in
 *     (0, 10]
 */
public record TransferConfig(
    DetectorKind detector,
    DriftSignal signal,
    long warmupEvents,
    boolean transferEnabled,
    int shadowEvents,
    double minAffinity,
    int maxSources,
    CandidateInit candidateInit,
    double learningRateBoost,
    double lossWeightBoost,
    long recoveryEvents,
    int onboardEvents,
    double relearnEmbeddingBoost,
    double relearnSharedBoost,
    long relearnEvents,
    double residualLearningRate) {

  /** Validates; throws {@link IllegalArgumentException} naming the setting, value and rule. */
  public TransferConfig {
    Objects.requireNonNull(detector, "detector");
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(candidateInit, "candidateInit");
    if (warmupEvents < 0) {
      throw new IllegalArgumentException("warmupEvents: must be >= 0, got " + warmupEvents);
    }
    if (shadowEvents < 1) {
      throw new IllegalArgumentException("shadowEvents: must be >= 1, got " + shadowEvents);
    }
    if (!(Double.isFinite(minAffinity) && minAffinity >= 0.0)) {
      throw new IllegalArgumentException(
          "minAffinity: must be finite and >= 0, got " + minAffinity);
    }
    if (maxSources < 1 || maxSources > 16) {
      throw new IllegalArgumentException("maxSources: must be in 1..16, got " + maxSources);
    }
    if (!(learningRateBoost >= 1.0 && learningRateBoost <= 100.0)) {
      throw new IllegalArgumentException(
          "learningRateBoost: must be finite and in [1, 100], got " + learningRateBoost);
    }
    if (!(lossWeightBoost >= 1.0 && lossWeightBoost <= 100.0)) {
      throw new IllegalArgumentException(
          "lossWeightBoost: must be finite and in [1, 100], got " + lossWeightBoost);
    }
    if (recoveryEvents < 0) {
      throw new IllegalArgumentException("recoveryEvents: must be >= 0, got " + recoveryEvents);
    }
    if (onboardEvents < 1) {
      throw new IllegalArgumentException("onboardEvents: must be >= 1, got " + onboardEvents);
    }
    if (!(relearnEmbeddingBoost >= 1.0 && relearnEmbeddingBoost <= 100.0)) {
      throw new IllegalArgumentException("relearnEmbeddingBoost: must be finite and in [1, 100],"
          + " got " + relearnEmbeddingBoost);
    }
    if (!(relearnSharedBoost >= 1.0 && relearnSharedBoost <= 100.0)) {
      throw new IllegalArgumentException("relearnSharedBoost: must be finite and in [1, 100],"
          + " got " + relearnSharedBoost);
    }
    if (relearnEvents < 0) {
      throw new IllegalArgumentException("relearnEvents: must be >= 0, got " + relearnEvents);
    }
    if (!(residualLearningRate > 0.0 && residualLearningRate <= 10.0)) {
      throw new IllegalArgumentException("residualLearningRate: must be finite and in (0, 10],"
          + " got " + residualLearningRate);
    }
  }

  /**
   * The measured defaults: ADWIN over {@link DriftSignal#BASELINE_GAP}, 2,000 warm-up events,
   * transfer on, 2,000 shadow events, sources with affinity &gt; 0, at most one,
   * {@link CandidateInit#RESIDUAL} at residual learning rate 0.02 (the tower recipes' boost 3 for
   * 20,000 events stays configured for them), no loss-weight boost, 500 onboarding events,
   * re-learning boost 2 (embeddings) and 2 (shared part) for 40,000 events.
   *
   * <p>Measurements (RecoveryExperiment, 500 users x 200 items, rho 0.5, streams' default model
   * config): ADWIN + BASELINE_GAP was the only (detector, signal) pair without a false alarm on a
   * stationary 500,000-event stream with a daily click cycle that also detected an abrupt drift
   * (ADWIN + RAW_LOSS: 8 false alarms; EXCESS_LOSS missed the drift). Recovery
   * ({@code RecoveryExperiment study 300000 abrupt|gradual 6}, model defaults with normalised
   * loss weights): abrupt, seeds 1-6, 11,660 +- 5,377 ctr events vs 16,730 +- 9,010 without
   * action (-30%; sooner on every seed whose drift was detected, every candidate promoted, both
   * tasks ending better; the guarded residual alone -29%; started at the true drift point -38%);
   * held-out seeds 7-12 -21%; gradual +0% (its detector fires when the loss has about recovered
   * on its own; ctr ends lower). The rate was chosen on seeds 1-6 (0.01: -28%). The previous
   * default ({@link CandidateInit#KEEP}) gave -9% with every candidate rolled back (seeds 1-4,
   * under uncertainty loss weights, where residual delta rows alone gave -9% and the residual's
   * matrix alone -19%). A loss-weight boost is left off because it bypasses the guard and ended
   * worse at factor 10. Details and the full tables: README "Drift watch and transfer".
   */
  public static TransferConfig defaults() {
    return new TransferConfig(DetectorKind.ADWIN, DriftSignal.BASELINE_GAP, 2_000, true, 2_000,
        0.0, 1, CandidateInit.RESIDUAL, 3.0, 1.0, 20_000, 500, 2.0, 2.0, 40_000, 0.02);
  }

  /** A copy with another detector. */
  public TransferConfig withDetector(DetectorKind value) {
    return new TransferConfig(value, signal, warmupEvents, transferEnabled, shadowEvents,
        minAffinity, maxSources, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with another signal. */
  public TransferConfig withSignal(DriftSignal value) {
    return new TransferConfig(detector, value, warmupEvents, transferEnabled, shadowEvents,
        minAffinity, maxSources, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with another warm-up span. */
  public TransferConfig withWarmupEvents(long value) {
    return new TransferConfig(detector, signal, value, transferEnabled, shadowEvents,
        minAffinity, maxSources, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with transfer on or off (off: alarms are reported, nothing else happens). */
  public TransferConfig withTransferEnabled(boolean value) {
    return new TransferConfig(detector, signal, warmupEvents, value, shadowEvents,
        minAffinity, maxSources, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with another shadow span. */
  public TransferConfig withShadowEvents(int value) {
    return new TransferConfig(detector, signal, warmupEvents, transferEnabled, value,
        minAffinity, maxSources, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with another source rule. */
  public TransferConfig withSources(double affinityAbove, int atMost) {
    return new TransferConfig(detector, signal, warmupEvents, transferEnabled, shadowEvents,
        affinityAbove, atMost, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with another candidate recipe. */
  public TransferConfig withCandidateInit(CandidateInit value) {
    return new TransferConfig(detector, signal, warmupEvents, transferEnabled, shadowEvents,
        minAffinity, maxSources, value, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with another loss-weight boost. */
  public TransferConfig withLossWeightBoost(double value) {
    return new TransferConfig(detector, signal, warmupEvents, transferEnabled, shadowEvents,
        minAffinity, maxSources, candidateInit, learningRateBoost, value, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with another onboarding span (collected events, then as many in shadow). */
  public TransferConfig withOnboardEvents(int value) {
    return new TransferConfig(detector, signal, warmupEvents, transferEnabled, shadowEvents,
        minAffinity, maxSources, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        value, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /**
   * A copy with another re-learning boost: embedding factor, shared-part factor and span in model
   * events (factors 1 or span 0: off).
   */
  public TransferConfig withRelearning(double embeddingFactor, double sharedFactor, long events) {
    return new TransferConfig(detector, signal, warmupEvents, transferEnabled, shadowEvents,
        minAffinity, maxSources, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, embeddingFactor, sharedFactor, events, residualLearningRate);
  }

  /** A copy with another learning-rate boost and recovery span. */
  public TransferConfig withBoost(double factor, long events) {
    return new TransferConfig(detector, signal, warmupEvents, transferEnabled, shadowEvents,
        minAffinity, maxSources, candidateInit, factor, lossWeightBoost, events, onboardEvents,
        relearnEmbeddingBoost, relearnSharedBoost, relearnEvents,
        residualLearningRate);
  }

  /** A copy with another learning rate for a {@link CandidateInit#RESIDUAL} candidate's rows. */
  public TransferConfig withResidualLearningRate(double value) {
    return new TransferConfig(detector, signal, warmupEvents, transferEnabled, shadowEvents,
        minAffinity, maxSources, candidateInit, learningRateBoost, lossWeightBoost, recoveryEvents,
        onboardEvents, relearnEmbeddingBoost, relearnSharedBoost, relearnEvents, value);
  }
}
