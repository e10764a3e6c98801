package io.tandem.model.weighting;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Homoscedastic uncertainty weighting (Kendall, Gal and Cipolla, CVPR 2018), in the common
 * log-variance form, with the configured task weights kept as priors.
 *
 * <p>Math. With {@code s_t = log sigma_t^2} and a prior weight {@code c_t >= 0} per task, the
 * objective is
 * <pre>
 *   J(theta, s) = sum_t c_t (exp(-s_t) L_t(theta) + s_t)
 * </pre>
 * so the learner scales task {@code t}'s loss gradient by {@code w_t = dJ/dL_t = c_t exp(-s_t)},
 * and {@code dJ/ds_t = c_t (1 - exp(-s_t) L_t)}. For {@code c_t > 0} the minimiser in {@code s_t}
 * is {@code exp(-s_t) = 1 / L_t}: the learned factor equalises the tasks' losses (a task whose
 * loss is 100x larger gets a 100x smaller factor) and the prior multiplies the balanced weight,
 * {@code w_t = c_t / L_t}. Read as a likelihood, {@code c_t} counts each of task {@code t}'s
 * observations {@code c_t} times. With every {@code c_t = 1} this is exactly Kendall et al.'s
 * objective. (The paper's regression form {@code L/(2 sigma^2) + log sigma} has the same optimum.)
 *
 * <p>Variant. Each step, every present task's {@code s_t} takes one step of size {@code rate}
 * along {@code -(1 - exp(-s_t) L_t)}, i.e. along {@code -dJ/ds_t} divided by {@code c_t}: a
 * per-coordinate step size that leaves the fixed point unchanged and makes how fast {@code s_t}
 * tracks the loss independent of the prior (a task with prior 10 would otherwise adapt 10x
 * faster, and one with prior 0 never). {@code s_t} is kept within
 * {@code [-MAX_LOG_VARIANCE, MAX_LOG_VARIANCE]} so weights stay finite. Initial {@code s_t = 0}
 * (weight {@code c_t}), also for a task added to a running model.
 *
 * <p>Why priors: the plain method ignores configured weights, so a user could not say that one
 * task matters more; here the configured weight keeps its meaning as a relative importance on
 * top of the loss balancing (twice the prior, twice the weight, at any loss level).
 *
 * <p>Not thread-safe.
 */
public final class UncertaintyWeighting implements LossWeighting {

  /** Bound on {@code |s_t|} (learned factors within {@code [e^-12, e^12]}). */
  public static final double MAX_LOG_VARIANCE = 12.0;

  private final double[] priors;
  private final double[] logVariance;
  private final double rate;

  /**
   * Uncertainty weighting with every prior 1 (Kendall et al.'s objective).
   *
   * @param tasks number of tasks, &gt;= 0
   * @param rate step size on the log-variances, finite and &gt; 0
   */
  public UncertaintyWeighting(int tasks, double rate) {
    this(ones(tasks), rate);
  }

  /**
   * Uncertainty weighting with a prior weight per task.
   *
   * @param priors the prior weight {@code c_t} of each task in task order (copied), each finite
   *     and &gt;= 0; its length is the task count
   * @param rate step size on the log-variances, finite and &gt; 0
   * @throws IllegalArgumentException for a negative or non-finite prior or a bad rate, naming it
   */
  public UncertaintyWeighting(double[] priors, double rate) {
    for (int t = 0; t < priors.length; t++) {
      if (!Double.isFinite(priors[t]) || priors[t] < 0) {
        throw new IllegalArgumentException(
            "prior weight of task " + t + ": must be finite and >= 0, got " + priors[t]);
      }
    }
    if (!Double.isFinite(rate) || rate <= 0) {
      throw new IllegalArgumentException("rate: must be finite and > 0, got " + rate);
    }
    this.priors = priors.clone();
    this.logVariance = new double[priors.length];
    this.rate = rate;
  }

  /**
   * The objective {@code J = sum_t c_t (exp(-s_t) L_t + s_t)} over the present tasks.
   *
   * @param priors {@code c_t} per task
   * @param logVariance {@code s_t} per task
   * @param losses {@code L_t} per task (ignored where not present)
   * @param present whether each task counts
   */
  public static double objective(double[] priors, double[] logVariance, double[] losses,
      boolean[] present) {
    double j = 0;
    for (int t = 0; t < logVariance.length; t++) {
      if (present[t]) {
        j += priors[t] * (Math.exp(-logVariance[t]) * losses[t] + logVariance[t]);
      }
    }
    return j;
  }

  /**
   * {@code dJ/ds_t = c_t (1 - exp(-s_t) L_t)} into {@code out} (0 for absent tasks); arguments as
   * in {@link #objective}.
   */
  public static void gradient(double[] priors, double[] logVariance, double[] losses,
      boolean[] present, double[] out) {
    for (int t = 0; t < logVariance.length; t++) {
      out[t] = present[t] ? priors[t] * (1 - Math.exp(-logVariance[t]) * losses[t]) : 0.0;
    }
  }

  /**
   * The loss weights {@code w_t = dJ/dL_t = c_t exp(-s_t)} into {@code out}; arguments as in
   * {@link #objective}.
   */
  public static void weights(double[] priors, double[] logVariance, double[] out) {
    for (int t = 0; t < logVariance.length; t++) {
      out[t] = priors[t] * Math.exp(-logVariance[t]);
    }
  }

  @Override
  public void weights(double[] out) {
    weights(priors, logVariance, out);
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

  /** Writes the learned log-variances, one double per task (the priors are configuration). */
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

  private static double[] ones(int tasks) {
    if (tasks < 0) {
      throw new IllegalArgumentException("tasks: must be >= 0, got " + tasks);
    }
    double[] out = new double[tasks];
    Arrays.fill(out, 1.0);
    return out;
  }
}
