package io.tandem.streams.learning;

import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.loss.Losses;
import io.tandem.model.metrics.ScoreAccumulator;
import io.tandem.model.metrics.Scores;
import io.tandem.model.metrics.TargetKind;
import java.util.Objects;

/**
 * Prequential metrics of one task over a sliding window of its most recent events: the model
 * module's windowed {@link ScoreAccumulator} (ROC AUC with mid-ranks for ties, mean log loss,
 * RMSE) for one {@link TaskSpec}, plus each event's loss as the drift signal.
 *
 * <p>Each {@link #add} records one (score, label) pair scored before the model learned from it.
 * A {@link #snapshot()} reports, over the last {@code window} pairs: for a binary task the AUC
 * (NaN while the window lacks either class) and the mean log loss; for a regression the RMSE in
 * label units. A window (rather than the whole run) follows the model as it learns and drifts;
 * snapshots cost {@code O(window log window)} and are meant for monitoring scrapes, not per event.
 *
 * <p>Not thread-safe: the owner guards it (the {@link PrequentialTrainer} uses its lock).
 */
public final class WindowedTaskMetrics {

  private final TaskSpec task;
  private final ScoreAccumulator window;
  private long count;

  /**
   * Creates empty metrics.
   *
   * @param task the task measured; not null
   * @param window number of most recent events the metrics cover, &gt;= 1
   */
  public WindowedTaskMetrics(TaskSpec task, int window) {
    this.task = Objects.requireNonNull(task, "task");
    if (window < 1) {
      throw new IllegalArgumentException("window: must be >= 1, got " + window);
    }
    this.window = ScoreAccumulator.windowed(
        task.kind() == TaskKind.BINARY ? TargetKind.BINARY_LABEL : TargetKind.REAL, window);
  }

  /** The task measured. */
  public TaskSpec task() {
    return task;
  }

  /**
   * Records one prequential outcome.
   *
   * @param score the prediction made before learning (a probability, or a label-unit value)
   * @param label the observed label, accepted by the task
   * @return the event's loss ({@link Losses#loss}): log loss or squared error
   * @throws IllegalArgumentException for a non-finite score or an unacceptable label; nothing is
   *     recorded then
   */
  public double add(double score, double label) {
    double loss = Losses.loss(task, score, label);
    window.add(score, label);
    count++;
    return loss;
  }

  /** Outcomes recorded since creation. */
  public long count() {
    return count;
  }

  /** The metrics over the current window. */
  public Snapshot snapshot() {
    Scores s = window.scores();
    int size = (int) s.count();
    if (size == 0) {
      return new Snapshot(task.name(), 0, count, Double.NaN, Double.NaN, Double.NaN);
    }
    if (task.kind() == TaskKind.REGRESSION) {
      return new Snapshot(task.name(), size, count, Double.NaN, Double.NaN, s.rmse());
    }
    return new Snapshot(task.name(), size, count, s.auc(), s.logLoss(), Double.NaN);
  }

  /**
   * The metrics of one task over its window.
   *
   * @param task task name
   * @param size outcomes in the window
   * @param total outcomes since creation
   * @param auc ROC AUC (binary; NaN otherwise or while a class is missing)
   * @param logLoss mean log loss in nats (binary; NaN otherwise)
   * @param rmse root mean squared error in label units (regression; NaN otherwise)
   */
  public record Snapshot(String task, int size, long total, double auc, double logLoss,
      double rmse) {}
}
