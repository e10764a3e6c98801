package io.tandem.model.weighting;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * GradNorm (Chen, Badrinarayanan, Lee and Rabinovich, ICML 2018), adapted to online partial
 * labels.
 *
 * <p>Paper: with {@code G_t = ||grad_W w_t L_t||} on the shared weights, {@code Gbar} their mean,
 * the relative inverse training rate {@code r_t = Ltilde_t / mean(Ltilde)} where
 * {@code Ltilde_t = L_t / L_t(0)}, minimise {@code Lgrad = sum_t |G_t - Gbar r_t^alpha|} over the
 * weights, holding the targets constant: {@code dLgrad/dw_t = sign(G_t - target_t) ||grad_W L_t||}.
 * Weights are renormalised to sum to the task count after every step.
 *
 * <p>Online variant (a micro-batch usually holds labels of one task only): per task, the
 * unweighted gradient norm and the loss are running averages (decay {@value #DECAY}) over the
 * steps where the task is present; {@code L_t(0)} is the mean loss of the task's first
 * {@value #WARMUP} steps. Weights start from the given initial weights, move once every task has
 * a norm and a finished warm-up, with step {@code rate * dLgrad/dw_t / mean_t ||grad_W L_t||}
 * (dividing by the mean norm makes the step size independent of the gradients' scale), and stay
 * at least {@value #MIN_WEIGHT}. The shared weights {@code W} are all shared dense parameters,
 * not only the last shared layer.
 */
public final class GradNormWeighting implements LossWeighting {

  /** Weight of the newest step in the running loss and norm averages. */
  public static final double DECAY = 0.01;
  /** Steps per task whose mean loss defines {@code L_t(0)}. */
  public static final int WARMUP = 100;
  /** Lower bound on a weight. */
  public static final double MIN_WEIGHT = 1e-3;

  private final double[] weights;
  private final double alpha;
  private final double rate;
  private final double total;
  private final double[] norm;
  private final double[] loss;
  private final double[] initialLoss;
  private final long[] steps;
  private final double[] gradient;
  private final double[] ratio;
  private final double[] target;

  /**
   * @param initialWeights starting weights (copied), positive
   * @param alpha asymmetry, &gt;= 0 (0: equal gradient norms)
   * @param rate step size on the weights
   */
  public GradNormWeighting(double[] initialWeights, double alpha, double rate) {
    int n = initialWeights.length;
    this.weights = initialWeights.clone();
    double sum = 0;
    for (int t = 0; t < n; t++) {
      if (!(initialWeights[t] > 0) || !Double.isFinite(initialWeights[t])) {
        throw new IllegalArgumentException("GradNorm initial weight of task " + t
            + ": must be finite and > 0, got " + initialWeights[t]);
      }
      sum += initialWeights[t];
    }
    this.total = sum;
    this.alpha = alpha;
    this.rate = rate;
    this.norm = new double[n];
    this.loss = new double[n];
    this.initialLoss = new double[n];
    this.steps = new long[n];
    this.gradient = new double[n];
    this.ratio = new double[n];
    this.target = new double[n];
  }

  /**
   * The GradNorm loss {@code sum_t |w_t n_t - target_t|}, where {@code n_t} are unweighted
   * gradient norms and the targets come from {@link #targets}.
   */
  public static double gradNormLoss(double[] w, double[] n, double[] targets) {
    double l = 0;
    for (int t = 0; t < w.length; t++) {
      l += Math.abs(w[t] * n[t] - targets[t]);
    }
    return l;
  }

  /** The targets {@code mean_j(w_j n_j) r_t^alpha} (held constant when differentiating). */
  public static void targets(double[] w, double[] n, double[] r, double alpha, double[] out) {
    double mean = 0;
    for (int t = 0; t < w.length; t++) {
      mean += w[t] * n[t];
    }
    mean /= w.length;
    for (int t = 0; t < w.length; t++) {
      out[t] = mean * Math.pow(r[t], alpha);
    }
  }

  /** {@code dLgrad/dw_t = sign(w_t n_t - target_t) n_t}, targets held constant. */
  public static void gradient(double[] w, double[] n, double[] targets, double[] out) {
    for (int t = 0; t < w.length; t++) {
      out[t] = Math.signum(w[t] * n[t] - targets[t]) * n[t];
    }
  }

  @Override
  public void weights(double[] out) {
    System.arraycopy(weights, 0, out, 0, weights.length);
  }

  @Override
  public boolean needsSharedGradientNorms() {
    return true;
  }

  @Override
  public void observe(double[] losses, boolean[] present, double[] sharedGradientNorms) {
    int n = weights.length;
    for (int t = 0; t < n; t++) {
      if (!present[t]) {
        continue;
      }
      steps[t]++;
      if (steps[t] <= WARMUP) {
        initialLoss[t] += (losses[t] - initialLoss[t]) / steps[t];
        loss[t] = initialLoss[t];
        norm[t] = norm[t] + (sharedGradientNorms[t] - norm[t]) / steps[t];
      } else {
        loss[t] += DECAY * (losses[t] - loss[t]);
        norm[t] += DECAY * (sharedGradientNorms[t] - norm[t]);
      }
    }
    for (int t = 0; t < n; t++) {
      if (steps[t] <= WARMUP || !(initialLoss[t] > 0) || !(norm[t] > 0)) {
        return;
      }
    }
    double[] r = ratio;
    double meanRatio = 0;
    double meanNorm = 0;
    for (int t = 0; t < n; t++) {
      r[t] = loss[t] / initialLoss[t];
      meanRatio += r[t] / n;
      meanNorm += norm[t] / n;
    }
    for (int t = 0; t < n; t++) {
      r[t] /= meanRatio;
    }
    targets(weights, norm, r, alpha, target);
    gradient(weights, norm, target, gradient);
    double sum = 0;
    for (int t = 0; t < n; t++) {
      weights[t] = Math.max(MIN_WEIGHT, weights[t] - rate * gradient[t] / meanNorm);
      sum += weights[t];
    }
    for (int t = 0; t < n; t++) {
      weights[t] *= total / sum;
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    for (int t = 0; t < weights.length; t++) {
      out.writeDouble(weights[t]);
      out.writeDouble(norm[t]);
      out.writeDouble(loss[t]);
      out.writeDouble(initialLoss[t]);
      out.writeLong(steps[t]);
    }
  }

  @Override
  public void readState(DataInput in) throws IOException {
    for (int t = 0; t < weights.length; t++) {
      weights[t] = in.readDouble();
      norm[t] = in.readDouble();
      loss[t] = in.readDouble();
      initialLoss[t] = in.readDouble();
      steps[t] = in.readLong();
    }
  }
}
