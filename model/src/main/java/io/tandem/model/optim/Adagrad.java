package io.tandem.model.optim;

/**
 * Adagrad (Duchi, Hazan and Singer 2011): per coordinate, {@code s += g^2} and
 * {@code w -= rate * g / (sqrt(s) + EPSILON)}. The accumulator starts at 0, so the first step
 * of a coordinate moves it by about {@code rate}. A coordinate whose gradient is exactly zero is
 * unchanged by the formula ({@link #zeroGradientIsNoOp()}), so callers may skip all-zero ranges.
 */
public final class Adagrad implements Optimizer {

  /** Added to the root of the accumulator. */
  public static final double EPSILON = 1e-8;

  @Override
  public int stateSlots() {
    return 1;
  }

  @Override
  public boolean zeroGradientIsNoOp() {
    return true;
  }

  /** The accumulator is a sum of squared gradients: it scales by {@code c^2}. */
  @Override
  public void rescaleState(double[] state, int n, double c) {
    for (int i = 0; i < n; i++) {
      state[i] *= c * c;
    }
  }

  @Override
  public void updateDenseInPlace(double[] w, double[] g, double[] state, int from, int to,
      long step, double rate) {
    for (int i = from; i < to; i++) {
      double gi = g[i];
      double s = state[i] + gi * gi;
      state[i] = s;
      w[i] -= rate * gi / (Math.sqrt(s) + EPSILON);
    }
  }

  /** One pass: the gradient entry is cleared as soon as it is read (same results). */
  @Override
  public void updateDenseAndClearInPlace(double[] w, double[] g, double[] state, int from,
      int to, long step, double rate) {
    for (int i = from; i < to; i++) {
      double gi = g[i];
      g[i] = 0.0;
      double s = state[i] + gi * gi;
      state[i] = s;
      w[i] -= rate * gi / (Math.sqrt(s) + EPSILON);
    }
  }

  /**
   * The fused step for one-product gradients ({@link RankOneUpdate}): bit-identical to
   * accumulating into a zeroed gradient and calling {@link #updateDenseAndClearInPlace}.
   */
  @Override
  public RankOneUpdate rankOneUpdate(double[] state, double rate) {
    return new AdagradRankOneUpdate(state, rate);
  }

  @Override
  public void updateRowInPlace(float[] w, double[] g, float[] state, long step, double rate) {
    for (int i = 0; i < w.length; i++) {
      double gi = g[i];
      double s = state[i] + gi * gi;
      state[i] = (float) s;
      w[i] = (float) (w[i] - rate * gi / (Math.sqrt(s) + EPSILON));
    }
  }
}
