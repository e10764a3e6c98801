package io.tandem.model.nn;

import io.tandem.model.optim.RankOneUpdate;
import java.util.SplittableRandom;

/**
 * The part of the network all tasks share: it maps the dense input of one example to one
 * representation per task (the same one for every task under hard sharing).
 *
 * <p>Parameters live in a caller-owned flat array, in {@code [0, parameterCount())}. Call order,
 * per example: {@link #forward}, then any number of {@link #output} reads and {@link #backward}
 * calls (one per labelled task) for that same example and input, before the next
 * {@code forward}. Backward accumulates into the gradient array and never clears it.
 *
 * <p>Implementations keep activations in internal buffers: not thread-safe.
 */
public interface SharedPart {

  /** Width of the dense input. */
  int inputSize();

  /** Width of each task's representation. */
  int outputSize();

  /** Number of parameters, laid out from index 0 of the parameter array. */
  int parameterCount();

  /** Seeded initialisation of every parameter. */
  void initInPlace(double[] params, SplittableRandom random);

  /** Computes the representations of one example. */
  void forward(double[] params, double[] input);

  /**
   * The representation for {@code task} computed by the last {@link #forward}: an internal
   * buffer of length {@link #outputSize()}, valid until the next {@code forward}; do not modify.
   */
  double[] output(int task);

  /**
   * Backpropagates {@code dOut}, the loss gradient in {@code task}'s representation, through the
   * last forward pass.
   *
   * @param grad receives the parameter gradient: parameter {@code p} at {@code grad[p -
   *     gradShift]} (accumulated)
   * @param touched when not null, receives the gradient entries written
   * @param dInput receives the input gradient (accumulated), length {@link #inputSize()}
   */
  void backward(double[] params, double[] input, int task, double[] dOut, double[] grad,
      int gradShift, TouchedBlocks touched, double[] dInput);

  /**
   * {@link #backward} with the optimizer step fused in, for a step in which the shared part sees
   * one example and one task's gradient (every parameter's gradient is then a single product):
   * each layer steps its parameters while it backpropagates ({@link Linear#backwardStep}), and
   * the input gradient is computed from the weights before the step. Parameters, optimizer state
   * and {@code dInput} are bit-identical to {@link #backward} into a zeroed gradient followed by
   * the optimizer's {@code updateDenseAndClearInPlace} over the written entries. Call at most once
   * per {@link #forward}.
   *
   * @param update the fused step, bound to the optimizer state of {@code params}
   * @param dInput receives the input gradient (accumulated), length {@link #inputSize()}
   */
  void backwardStep(double[] params, double[] input, int task, double[] dOut,
      RankOneUpdate update, double[] dInput);

  /**
   * Batched {@link #forward} of {@code n} examples held by columns: input {@code i} of example
   * {@code e} at {@code xColumns[i][e]}. Every example's representations are bit-identical to what
   * {@link #forward} computes for it. The batched and the per-example passes keep separate
   * buffers: a {@link #forward} (and its {@link #backward}) leaves the last batched forward's
   * activations intact, and the other way round, so a model may score single examples between a
   * batched forward and the {@link #backwardBatch} or reuse that follows it.
   */
  void forwardBatch(double[] params, double[][] xColumns, int n);

  /**
   * Recomputes, in the buffers of the last {@link #forwardBatch}, the activations of the examples
   * {@code examples[0..count)} (distinct columns of that batch) from their inputs now in
   * {@code xColumns}; every other example keeps its activations. An example's batched activations
   * depend only on its own inputs and the parameters, never on its column or on the other examples
   * of the batch, so afterwards the buffers hold exactly what {@code forwardBatch} over the
   * current inputs would have computed. Used when a learning step finds the forward of its batch
   * already computed (by a predict of the same batch) except for a few examples whose inputs
   * changed (e.g. an id that got its own embedding row).
   *
   * @param examples column indices, each below the last {@code forwardBatch}'s {@code n}
   * @param count how many of {@code examples} to recompute, &gt;= 0
   */
  void reforwardExamples(double[] params, double[][] xColumns, int[] examples, int count);

  /**
   * Copies example {@code e}'s representation for {@code task} from the last
   * {@link #forwardBatch} into {@code out[0..outputSize())}.
   */
  void batchOutput(int task, int e, double[] out);

  /**
   * Every example's representation for {@code task} from the last {@link #forwardBatch}, by
   * columns: value {@code j} of example {@code e} at {@code [j][e]} (as {@link #batchOutput}
   * copies it). An internal buffer of {@link #outputSize()} columns of at least {@code n}
   * values each (only the first {@code n} are this batch's), valid until the next
   * {@code forwardBatch}; do not modify.
   */
  double[][] batchOutputColumns(int task);

  /**
   * Batched {@link #backward} through the last {@link #forwardBatch}, for batches where every
   * example carries exactly one task's gradient: example {@code e}'s task is {@code rowTask[e]}
   * and its representation gradient is {@code dOut[j][e]}. The results are bit-identical to
   * calling {@link #backward} once per example in batch order.
   *
   * @param xRows the same inputs as the forward pass, one array per example: {@code xRows[e][i]}
   * @param grad receives the parameter gradient (accumulated) when {@code gradByTask} is null
   * @param gradByTask when not null, example {@code e}'s parameter gradient goes to
   *     {@code gradByTask[rowTask[e]]} instead (and {@code touched} is not used)
   * @param touched when not null (and {@code gradByTask} is null), receives the entries written
   * @param dxColumns receives the input gradients by columns, {@code dxColumns[i][e]}
   *     (accumulated)
   */
  void backwardBatch(double[] params, double[][] xRows, int n, int[] rowTask, double[][] dOut,
      double[] grad, double[][] gradByTask, TouchedBlocks touched, double[][] dxColumns);
}
