package io.tandem.model.weighting;

import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import java.util.List;

/**
 * Unit-free task losses for fixed weights: every task's training loss read as a negative
 * log-likelihood in nats, so that equal weights mean equal importance.
 *
 * <p>Math. A binary task's log loss already is the negative log-likelihood of a Bernoulli
 * prediction; its factor is 1. A regression task trains on {@code (z - u)^2 / 2}, with the label
 * normalised to {@code u = (y - min) / (max - min)} in {@code [0, 1]}; that is the Gaussian
 * negative log-likelihood (up to a constant) only for a noise variance of 1, i.e. a noise as wide
 * as the whole declared range, which makes the squared loss about ten times smaller than a click
 * log loss whatever the model learns. The factor {@value #REGRESSION_FACTOR} turns it into the
 * Gaussian negative log-likelihood {@code (z - u)^2 / (2 sigma^2)} with {@code sigma^2 = 1/12},
 * the variance of a label uniform over the declared range (the maximum-entropy distribution on
 * it: the assumption that uses the declared range and nothing else). The weight of task
 * {@code t} is then {@code c_t * k_t}: its configured weight times its factor.
 *
 * <p>Trade-off. The factor is fixed, derived from the declaration, not from data: it keeps fixed
 * weights' properties (no learned state, deterministic, a task's weight does not fall when its
 * loss rises after a drift, the same at every micro-batch size) but does not adapt when labels
 * fill only part of the declared range (a range declared ten times wider than the labels leaves
 * that task's loss about 100x smaller); learned weightings ({@link UncertaintyWeighting}) adapt
 * to that. Measured on the generator's default stream (README "Learning quality"): MMoE closes
 * 39.8% / 42.8% / 35.9% of the baseline-to-oracle ctr AUC gap with model seeds 42 / 43 / 44,
 * against 28.8% / 30.0% / 27.0% with plain equal weights.
 *
 * <p>Stateless and thread-safe.
 */
public final class LossNormalisation {

  /**
   * Factor on a regression task's normalised squared loss: {@code 1 / sigma^2} for the variance
   * {@code 1/12} of a uniform label on {@code [0, 1]}.
   */
  public static final double REGRESSION_FACTOR = 12.0;

  private LossNormalisation() {}

  /**
   * The factor {@code k_t} of a task: 1 for a binary task, {@value #REGRESSION_FACTOR} for a
   * regression.
   */
  public static double factor(TaskSpec task) {
    return task.kind() == TaskKind.REGRESSION ? REGRESSION_FACTOR : 1.0;
  }

  /**
   * The weights {@code c_t * k_t}.
   *
   * @param weights the configured weight {@code c_t} of each task, in task order (not changed)
   * @param tasks the tasks, same order and length as {@code weights}
   * @return a new array of the normalised weights
   * @throws IllegalArgumentException if the lengths differ (naming both)
   */
  public static double[] weights(double[] weights, List<TaskSpec> tasks) {
    if (weights.length != tasks.size()) {
      throw new IllegalArgumentException("weights: " + weights.length + " weights for "
          + tasks.size() + " tasks");
    }
    double[] out = new double[weights.length];
    for (int t = 0; t < out.length; t++) {
      out[t] = weights[t] * factor(tasks.get(t));
    }
    return out;
  }
}
