package io.tandem.model.metrics;

import java.util.Objects;

/**
 * The prequential quality of one task over one span of events.
 *
 * @param task the task name
 * @param model the learner's predictions against the labels (binary: AUC, log loss, RMSE, MAE;
 *     regression: RMSE, MAE)
 * @param modelVsTruth the learner's predictions against the ground truth (binary: log loss as
 *     expected cross-entropy, RMSE and MAE between probabilities; regression: RMSE, MAE); count 0
 *     when no truth was given
 * @param oracle the truth used as the prediction, against the labels: the best any learner can
 *     do in expectation; count 0 when no truth was given
 */
public record TaskReport(String task, Scores model, Scores modelVsTruth, Scores oracle) {

  /** Validates: nothing null. */
  public TaskReport {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(modelVsTruth, "modelVsTruth");
    Objects.requireNonNull(oracle, "oracle");
  }
}
