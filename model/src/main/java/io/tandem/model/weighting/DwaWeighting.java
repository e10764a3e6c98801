package io.tandem.model.weighting;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Dynamic weight average (Liu, Johns and Davison, CVPR 2019), online variant.
 *
 * <p>Paper: {@code w_t = T exp(r_t / tau) / sum_j exp(r_j / tau)} with the loss-descent rate
 * {@code r_t = L_t(k-1) / L_t(k-2)} over the two previous epochs. Online, there are no epochs:
 * {@code r_t} is the ratio of a fast running average of the task's loss (decay {@value #FAST})
 * to a slow one (decay {@value #SLOW}), so a task whose loss stopped falling (ratio near or above
 * 1) gains weight. {@code tau} = {@value #TEMPERATURE}. Weights are 1 until every task has been
 * present in {@value #WARMUP} steps. No gradient: nothing to differentiate.
 */
public final class DwaWeighting implements LossWeighting {

  /** Decay of the fast loss average. */
  public static final double FAST = 0.05;
  /** Decay of the slow loss average. */
  public static final double SLOW = 0.005;
  /** Softmax temperature {@code tau}. */
  public static final double TEMPERATURE = 2.0;
  /** Steps per task before the weights move. */
  public static final int WARMUP = 50;

  private final double[] fast;
  private final double[] slow;
  private final long[] steps;

  /** @param tasks number of tasks */
  public DwaWeighting(int tasks) {
    this.fast = new double[tasks];
    this.slow = new double[tasks];
    this.steps = new long[tasks];
  }

  @Override
  public void weights(double[] out) {
    int n = fast.length;
    for (int t = 0; t < n; t++) {
      if (steps[t] < WARMUP || !(slow[t] > 0)) {
        java.util.Arrays.fill(out, 0, n, 1.0);
        return;
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int t = 0; t < n; t++) {
      out[t] = fast[t] / slow[t] / TEMPERATURE;
      max = Math.max(max, out[t]);
    }
    double sum = 0;
    for (int t = 0; t < n; t++) {
      out[t] = Math.exp(out[t] - max);
      sum += out[t];
    }
    for (int t = 0; t < n; t++) {
      out[t] = n * out[t] / sum;
    }
  }

  @Override
  public boolean needsSharedGradientNorms() {
    return false;
  }

  @Override
  public void observe(double[] losses, boolean[] present, double[] sharedGradientNorms) {
    for (int t = 0; t < fast.length; t++) {
      if (!present[t]) {
        continue;
      }
      steps[t]++;
      if (steps[t] == 1) {
        fast[t] = losses[t];
        slow[t] = losses[t];
      } else {
        fast[t] += FAST * (losses[t] - fast[t]);
        slow[t] += SLOW * (losses[t] - slow[t]);
      }
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    for (int t = 0; t < fast.length; t++) {
      out.writeDouble(fast[t]);
      out.writeDouble(slow[t]);
      out.writeLong(steps[t]);
    }
  }

  @Override
  public void readState(DataInput in) throws IOException {
    for (int t = 0; t < fast.length; t++) {
      fast[t] = in.readDouble();
      slow[t] = in.readDouble();
      steps[t] = in.readLong();
    }
  }
}
