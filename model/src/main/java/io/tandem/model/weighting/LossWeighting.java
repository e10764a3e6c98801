package io.tandem.model.weighting;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * How the per-task losses of a step are combined: {@code L = sum_t w_t L_t}.
 *
 * <p>Call order, once per learn step: {@link #weights(double[])} gives the weights the step
 * uses (the learner scales each task's loss gradient by its weight); after the backward pass the
 * learner calls {@link #observe} with the step's per-task mean losses and, when
 * {@link #needsSharedGradientNorms()} is true, the norm of each task's unweighted gradient on the
 * shared dense parameters; the strategy then updates its own state for the next step. Tasks are
 * addressed by index in the model's task order.
 *
 * <p>State (learned weights, running averages) is exported with the model's dense blob.
 * Implementations are not thread-safe.
 */
public interface LossWeighting {

  /** Writes the current weight of every task into {@code out} (length = task count). */
  void weights(double[] out);

  /** Whether {@link #observe} needs the per-task shared-gradient norms. */
  boolean needsSharedGradientNorms();

  /**
   * Learns from one step.
   *
   * @param losses mean loss of each task over its labelled examples in the step (after the
   *     task's loss scale, before weighting); ignored where {@code present} is false
   * @param present whether the step had labels for the task
   * @param sharedGradientNorms norm of each present task's unweighted loss gradient on the shared
   *     dense parameters, or null when {@link #needsSharedGradientNorms()} is false
   */
  void observe(double[] losses, boolean[] present, double[] sharedGradientNorms);

  /** Writes the learned state. */
  void writeState(DataOutput out) throws IOException;

  /** Reads state written by {@link #writeState} of the same strategy and task count. */
  void readState(DataInput in) throws IOException;
}
