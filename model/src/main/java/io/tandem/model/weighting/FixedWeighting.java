package io.tandem.model.weighting;

import java.io.DataInput;
import java.io.DataOutput;

/** Constant weights given at construction; learns nothing. */
public final class FixedWeighting implements LossWeighting {

  private final double[] weights;

  /** @param weights one finite, non-negative weight per task (copied) */
  public FixedWeighting(double[] weights) {
    for (int t = 0; t < weights.length; t++) {
      if (!Double.isFinite(weights[t]) || weights[t] < 0) {
        throw new IllegalArgumentException(
            "weight of task " + t + ": must be finite and >= 0, got " + weights[t]);
      }
    }
    this.weights = weights.clone();
  }

  @Override
  public void weights(double[] out) {
    System.arraycopy(weights, 0, out, 0, weights.length);
  }

  @Override
  public boolean needsSharedGradientNorms() {
    return false;
  }

  @Override
  public void observe(double[] losses, boolean[] present, double[] sharedGradientNorms) {}

  @Override
  public void writeState(DataOutput out) {}

  @Override
  public void readState(DataInput in) {}
}
