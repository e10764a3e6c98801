package io.tandem.model;

/** The kind of a prediction task, which fixes its output link, its loss and its metrics. */
public enum TaskKind {
  /** Labels in {0, 1}; sigmoid output; log loss; metrics AUC and log loss. */
  BINARY,
  /** Real labels within a declared range; identity output; squared loss; metrics RMSE and MAE. */
  REGRESSION
}
