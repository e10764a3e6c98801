package io.tandem.model.optim;

/**
 * An optimizer step fused into backpropagation, for a step in which every parameter's gradient is
 * a single product: a layer {@code y = W x + b} that sees one example with one upstream gradient
 * {@code d_o = dL/dy_o} per output has {@code dL/dW[o][i] = d_o x_i} and {@code dL/db_o = d_o},
 * one term each (a micro-batch of one event labelled for one task). The layer then steps each row
 * of {@code W} while it backpropagates, instead of accumulating a gradient array that a separate
 * pass reads, steps and clears: one pass over the weights instead of three and no record of
 * which entries were written.
 *
 * <p>Results equal the accumulate-then-update path ({@link Optimizer#updateDenseAndClearInPlace}
 * over a gradient array that was zero before the step) bit for bit: the gradient entry is formed
 * as {@code 0.0 + d * x_i}, as accumulating into a zeroed entry forms it (so a product of
 * {@code -0.0} becomes {@code +0.0}), and the step's arithmetic is the optimizer's own. The
 * input gradient {@code dx += W^T d} is computed from the weights before the step, as the
 * unfused backward pass computes it.
 *
 * <p>A step with a zero gradient must leave a parameter and its state exactly unchanged (only
 * optimizers for which {@link Optimizer#zeroGradientIsNoOp()} holds provide this form), so a
 * caller may step a whole row of biases with some zero entries. Call order: only for steps where
 * nothing else needs the gradient (no per-task split, no gradient norms, no second contribution
 * to a parameter, every parameter at the one bound learning rate); a parameter must be stepped at
 * most once per step. An instance is bound to one optimizer-state array and one learning rate,
 * and keeps scratch rows: not thread-safe.
 */
public interface RankOneUpdate {

  /**
   * Backpropagates through and steps one row {@code w[from..from+n)} whose gradient is
   * {@code g_i = 0.0 + d * x[i]}: first, when {@code dx} is not null,
   * {@code dx[i] += w[from + i] * d} with the weight before the step, then one optimizer step on
   * each {@code w[from + i]} and its state. The input and its gradient start at index 0: a loop
   * that reads or writes them at another offset than its scratch rows ran 2-3x slower here
   * (presumably not vectorised by Java 17's C2).
   *
   * @param w the parameter array, updated in place
   * @param from index of the row's first parameter (its state is at the same index)
   * @param n row length, &gt;= 0
   * @param d the upstream gradient of the row's output
   * @param x the row's input, read at {@code [0, n)}
   * @param dx receives the input gradient at {@code [0, n)} (accumulated), or null when none is
   *     needed
   */
  void stepRow(double[] w, int from, int n, double d, double[] x, double[] dx);
}
