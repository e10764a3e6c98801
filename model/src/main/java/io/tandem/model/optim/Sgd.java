package io.tandem.model.optim;

/** Stochastic gradient descent: {@code w -= rate * g}. No state. */
public final class Sgd implements Optimizer {

  @Override
  public int stateSlots() {
    return 0;
  }

  @Override
  public boolean zeroGradientIsNoOp() {
    return true;
  }

  @Override
  public void updateDenseInPlace(double[] w, double[] g, double[] state, int from, int to,
      long step, double rate) {
    for (int i = from; i < to; i++) {
      w[i] -= rate * g[i];
    }
  }

  /** One pass: the gradient entry is cleared as soon as it is read (same results). */
  @Override
  public void updateDenseAndClearInPlace(double[] w, double[] g, double[] state, int from,
      int to, long step, double rate) {
    for (int i = from; i < to; i++) {
      w[i] -= rate * g[i];
      g[i] = 0.0;
    }
  }

  @Override
  public void updateRowInPlace(float[] w, double[] g, float[] state, long step, double rate) {
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (w[i] - rate * g[i]);
    }
  }
}
