package io.tandem.model.metrics;

/** What the targets of a {@link ScoreAccumulator} are, which fixes the metrics it computes. */
public enum TargetKind {
  /** Binary labels (0 or 1) scored by probabilities: AUC, log loss, RMSE (Brier root), MAE. */
  BINARY_LABEL,
  /**
   * True probabilities in [0, 1] scored by predicted probabilities: log loss (expected
   * cross-entropy), RMSE and MAE between probabilities; no AUC.
   */
  PROBABILITY,
  /** Real-valued targets: RMSE and MAE; no AUC, no log loss. */
  REAL
}
