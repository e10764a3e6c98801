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
  RESET
}
