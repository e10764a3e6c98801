package io.tandem.model.loss;

import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;

/**
 * Output links and losses of the two task kinds.
 *
 * <p>Binary: score {@code p = sigmoid(z)} of the tower output {@code z}; log loss
 * {@code -y log p - (1-y) log(1-p)}, computed from the logit as
 * {@code max(z,0) - y z + log1p(exp(-|z|))} so it never overflows or takes {@code log 0}; its
 * derivative in {@code z} is {@code p - y}.
 *
 * <p>Regression: the tower predicts in normalised space, {@code u = (y - min) / (max - min)}, so a
 * task's loss and gradients do not depend on its label unit; the training loss is
 * {@code (z - u)^2 / 2} with derivative {@code z - u}; the score is {@code min + z (max - min)}
 * clipped to the declared range.
 *
 * <p>{@link #loss(TaskSpec, double, double)} is the per-event loss on the score (what a user
 * sees): log loss with the probability clipped to {@code [1e-15, 1 - 1e-15]}, or the squared
 * error in label units. Stateless and thread-safe.
 */
public final class Losses {

  /** Probabilities are clipped to {@code [EPS, 1 - EPS]} in the score-space log loss. */
  public static final double EPS = 1e-15;

  private Losses() {}

  /**
   * The per-event loss of a prediction, in the units a monitor expects: log loss (nats) for a
   * binary task, squared error in label units for a regression. This is the signal the streams
   * layer feeds to drift detectors.
   *
   * @param task the task the score belongs to
   * @param score a probability for a binary task, a prediction in label units for a regression
   * @param label the observed label (must be accepted by the task)
   * @throws IllegalArgumentException if the score or label is not finite or not legal
   */
  public static double loss(TaskSpec task, double score, double label) {
    if (!Double.isFinite(score)) {
      throw new IllegalArgumentException(
          "score for task '" + task.name() + "': must be finite, got " + score);
    }
    if (!task.accepts(label)) {
      throw new IllegalArgumentException("label for task '" + task.name() + "': "
          + label + " is not a legal " + task.kind() + " label");
    }
    if (task.kind() == TaskKind.BINARY) {
      double p = Math.min(1 - EPS, Math.max(EPS, score));
      return label == 1.0 ? -Math.log(p) : -Math.log1p(-p);
    }
    double d = score - label;
    return d * d;
  }

  /** Training loss of a tower output {@code z} against the label (see class comment). */
  public static double trainingLoss(TaskSpec task, double z, double label) {
    if (task.kind() == TaskKind.BINARY) {
      return Math.max(z, 0) - label * z + Math.log1p(Math.exp(-Math.abs(z)));
    }
    double d = z - normalise(task, label);
    return 0.5 * d * d;
  }

  /** Derivative of {@link #trainingLoss} in {@code z}. */
  public static double trainingGradient(TaskSpec task, double z, double label) {
    if (task.kind() == TaskKind.BINARY) {
      return sigmoid(z) - label;
    }
    return z - normalise(task, label);
  }

  /** The score of a tower output: a probability, or a clipped prediction in label units. */
  public static double score(TaskSpec task, double z) {
    if (task.kind() == TaskKind.BINARY) {
      return sigmoid(z);
    }
    double y = task.labelMin() + z * (task.labelMax() - task.labelMin());
    return Math.min(task.labelMax(), Math.max(task.labelMin(), y));
  }

  /** A label mapped into the task's training space ({@code [0, 1]} for a regression). */
  public static double normalise(TaskSpec task, double label) {
    if (task.kind() == TaskKind.BINARY) {
      return label;
    }
    return (label - task.labelMin()) / (task.labelMax() - task.labelMin());
  }

  /** The logistic function, evaluated without overflow. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }
}
