package io.tandem.model.optim;

import java.util.Arrays;

/**
 * A first-order update rule applied in place, densely to a parameter array or sparsely to one
 * embedding row. Per-parameter state (accumulators, moments) lives in an array the caller owns,
 * so it can be snapshotted with the parameters: {@link #stateSlots()} values per parameter,
 * slot {@code s} of parameter {@code i} at index {@code s * n + i} where {@code n} is the length
 * of the parameter array.
 *
 * <p>Call order: the caller accumulates a gradient, then calls {@code update...InPlace} once per
 * step with a step counter that starts at 1 and increases by one per update of that array. The
 * gradient is only read. Implementations are stateless and thread-safe.
 */
public interface Optimizer {

  /** Number of state values kept per parameter (0 for SGD, 1 for Adagrad, 2 for Adam). */
  int stateSlots();

  /**
   * Whether a zero gradient leaves a parameter and its state exactly unchanged (true for SGD and
   * Adagrad, false for Adam, whose moments decay). When true, callers may skip ranges whose
   * gradient is all zero, which makes small-batch dense updates sparse.
   */
  boolean zeroGradientIsNoOp();

  /**
   * Updates {@code w[from..to)} with {@code g[from..to)}.
   *
   * @param w parameters, updated in place
   * @param g gradient, same length as {@code w}
   * @param state optimizer state of length {@code stateSlots() * w.length}, updated in place
   * @param step 1-based count of updates applied to this array, this one included
   * @param rate learning rate
   */
  void updateDenseInPlace(double[] w, double[] g, double[] state, int from, int to, long step,
      double rate);

  /**
   * {@link #updateDenseInPlace} followed by clearing {@code g[from..to)} to zero, the step a
   * learner takes before accumulating the next gradient. The default runs the two one after the
   * other; an implementation may fuse them into one pass (same results).
   */
  default void updateDenseAndClearInPlace(double[] w, double[] g, double[] state, int from,
      int to, long step, double rate) {
    updateDenseInPlace(w, g, state, from, to, step, rate);
    Arrays.fill(g, from, to, 0.0);
  }

  /**
   * This optimizer's dense step fused into backpropagation, for steps in which every parameter's
   * gradient is a single product (see {@link RankOneUpdate}, which states when it applies), bound
   * to {@code state} and {@code rate}; or null when the optimizer has no such form (the
   * default: Adam, whose moments decay on every step, must update all parameters). The result
   * must equal accumulating the products into a zeroed gradient and calling
   * {@link #updateDenseAndClearInPlace}, bit for bit.
   *
   * @param state optimizer state of the dense parameter array, {@code stateSlots()} values per
   *     parameter as laid out above; the returned instance updates it in place
   * @param rate learning rate of every parameter the returned instance steps
   * @return a new, not thread-safe instance, or null
   */
  default RankOneUpdate rankOneUpdate(double[] state, double rate) {
    return null;
  }

  /**
   * Updates one embedding row with its gradient.
   *
   * @param w row values, updated in place
   * @param g gradient of length {@code w.length}
   * @param state row state of length {@code stateSlots() * w.length}, updated in place
   * @param step 1-based count of updates applied to this row, this one included
   * @param rate learning rate
   */
  void updateRowInPlace(float[] w, double[] g, float[] state, long step, double rate);

  /**
   * Adapts state accumulated from gradients {@code g} to gradients {@code c * g}: afterwards the
   * state is what the same history scaled by {@code c} would have left, so the next steps on
   * scaled gradients are as large as before (used when a tower's parameters and state are copied
   * to a task whose loss weight differs). Default: no state, nothing to do.
   *
   * @param state optimizer state of length {@code stateSlots() * n}, updated in place
   * @param n parameters the state belongs to
   * @param c the gradient scale, finite and &gt; 0
   */
  default void rescaleState(double[] state, int n, double c) {}
}
