package io.tandem.model.transfer;

/** How a transfer candidate's tower for the drifted task is initialised. */
public enum CandidateInit {
  /**
   * Hidden layer = affinity-weighted average of the source towers' hidden layers, output weights
   * zero, output bias at the task's recent mean label (in training space): a fresh linear read-out
   * of the features the related tasks learned. Falls back to {@link #KEEP} without sources.
   */
  BLEND,
  /** A copy of the incumbent tower with fresh optimizer state (a learning-rate restart only). */
  KEEP,
  /** Freshly initialised hidden layer (seeded), zero output weights, output bias at the mean. */
  RESET,
  /**
   * The incumbent itself (its tower, not a copy) plus a fresh task-specific embedding residual:
   * sparse user and item delta rows read only by the drifted task's output, learning with fresh
   * Adagrad state at {@link TransferConfig#residualLearningRate()}
   * ({@link io.tandem.model.MultiTaskModel#attachResidualShadow}); promoted = kept (and learning
   * on with the task), rolled back = dropped. The guard thus judges exactly what the residual
   * adds. Sources and {@link TransferConfig#learningRateBoost()} are not used by it.
   */
  RESIDUAL
}
