package io.tandem.model.weighting;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Homoscedastic uncertainty weighting (Kendall, Gal and Cipolla, CVPR 2018), in the common
 * log-variance form: with {@code s_t = log sigma_t^2}, the objective is
 * {@code J = sum_t exp(-s_t) L_t + s_t}, so {@code w_t = exp(-s_t)} and
 * {@code dJ/ds_t = 1 - exp(-s_t) L_t}. The optimum {@code w_t = 1 / L_t} equalises the weighted
 * losses: a task whose loss is 100x larger gets a 100x smaller weight. (The paper's regression
 * form {@code L/(2 sigma^2) + log sigma} has the same optimum.)
 *
 * <p>Each step, every present task's {@code s_t} takes one SGD step of size {@code rate}; it is
 * kept within {@code [-MAX_LOG_VARIANCE, MAX_LOG_VARIANCE]} so weights stay finite and positive.
 * Initial {@code s_t = 0} (weight 1).
 */
public final class UncertaintyWeighting implements LossWeighting {

  /** Bound on {@code |s_t|} (weights within {@code [e^-12, e^12]}). */
  public static final double MAX_LOG_VARIANCE = 12.0;

  private final double[] logVariance;
  private final double rate;

  /**
   * @param tasks number of tasks
   * @param rate SGD step size on the log-variances, &gt; 0
   */
  public UncertaintyWeighting(int tasks, double rate) {
    this.logVariance = new double[tasks];
    this.rate = rate;
  }

  /** The objective {@code J} for given log-variances and losses (present tasks only). */
  public static double objective(double[] logVariance, double[] losses, boolean[] present) {
    double j = 0;
    for (int t = 0; t < logVariance.length; t++) {
      if (present[t]) {
        j += Math.exp(-logVariance[t]) * losses[t] + logVariance[t];
      }
    }
    return j;
  }

  /** {@code dJ/ds_t} into {@code out} (0 for absent tasks). */
  public static void gradient(double[] logVariance, double[] losses, boolean[] present,
      double[] out) {
    for (int t = 0; t < logVariance.length; t++) {
      out[t] = present[t] ? 1 - Math.exp(-logVariance[t]) * losses[t] : 0.0;
    }
  }

  @Override
  public void weights(double[] out) {
    for (int t = 0; t < logVariance.length; t++) {
      out[t] = Math.exp(-logVariance[t]);
    }
  }

  @Override
  public boolean needsSharedGradientNorms() {
    return false;
  }

  @Override
  public void observe(double[] losses, boolean[] present, double[] sharedGradientNorms) {
    for (int t = 0; t < logVariance.length; t++) {
      if (present[t]) {
        double g = 1 - Math.exp(-logVariance[t]) * losses[t];
        double s = logVariance[t] - rate * g;
        logVariance[t] = Math.max(-MAX_LOG_VARIANCE, Math.min(MAX_LOG_VARIANCE, s));
      }
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    for (double s : logVariance) {
      out.writeDouble(s);
    }
  }

  @Override
  public void readState(DataInput in) throws IOException {
    for (int t = 0; t < logVariance.length; t++) {
      logVariance[t] = in.readDouble();
    }
  }
}
