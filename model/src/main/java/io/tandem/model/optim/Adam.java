package io.tandem.model.optim;

/**
 * Adam (Kingma and Ba 2015) with bias correction: {@code m = b1 m + (1-b1) g},
 * {@code v = b2 v + (1-b2) g^2}, {@code w -= rate * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}.
 * State slot 0 is {@code m}, slot 1 is {@code v}; {@code t} is the caller's step counter (per
 * row for embeddings, so a rarely seen row gets properly bias-corrected steps).
 */
public final class Adam implements Optimizer {

  /** First-moment decay. */
  public static final double BETA1 = 0.9;
  /** Second-moment decay. */
  public static final double BETA2 = 0.999;
  /** Added to the root of the corrected second moment. */
  public static final double EPSILON = 1e-8;

  @Override
  public int stateSlots() {
    return 2;
  }

  @Override
  public boolean zeroGradientIsNoOp() {
    return false;
  }

  /** {@code m} scales by {@code c}, {@code v} by {@code c^2}. */
  @Override
  public void rescaleState(double[] state, int n, double c) {
    for (int i = 0; i < n; i++) {
      state[i] *= c;
      state[n + i] *= c * c;
    }
  }

  @Override
  public void updateDenseInPlace(double[] w, double[] g, double[] state, int from, int to,
      long step, double rate) {
    int n = w.length;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    for (int i = from; i < to; i++) {
      double gi = g[i];
      double m = BETA1 * state[i] + (1 - BETA1) * gi;
      double v = BETA2 * state[n + i] + (1 - BETA2) * gi * gi;
      state[i] = m;
      state[n + i] = v;
      w[i] -= rate * (m / c1) / (Math.sqrt(v / c2) + EPSILON);
    }
  }

  @Override
  public void updateRowInPlace(float[] w, double[] g, float[] state, long step, double rate) {
    int n = w.length;
    double c1 = 1 - Math.pow(BETA1, step);
    double c2 = 1 - Math.pow(BETA2, step);
    for (int i = 0; i < n; i++) {
      double gi = g[i];
      double m = BETA1 * state[i] + (1 - BETA1) * gi;
      double v = BETA2 * state[n + i] + (1 - BETA2) * gi * gi;
      state[i] = (float) m;
      state[n + i] = (float) v;
      w[i] = (float) (w[i] - rate * (m / c1) / (Math.sqrt(v / c2) + EPSILON));
    }
  }
}
