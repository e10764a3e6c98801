package io.tandem.model.nn;

import io.tandem.model.optim.RankOneUpdate;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One task's head: {@code z = w2 . relu(W1 x + b1) + b2 + v . w}, a scalar the task's link turns
 * into a score. {@code x} is the task's representation from the shared part; {@code w} is an
 * optional wide input of {@code wideSize} values (0 = none) read linearly, the "wide" part of
 * Wide &amp; Deep (Cheng et al., DLRS 2016) beside the deep one. The model passes its whole dense
 * input: the user and item rows (so {@code v} gives each task a per-id bias direction), their
 * element-wise product (so {@code v . (u * i)} is a per-task weighted dot product of the two rows,
 * the generalised matrix factorisation path of NeuMF, He et al., WWW 2017) and the context. A
 * recommender's interaction term then reaches the output, and its gradient the embeddings,
 * through one multiplication instead of the shared experts and the tower's ReLU layer, which is
 * what lets the embeddings learn the user-item interaction quickly online (measured in the
 * README's model quality table).
 *
 * <p>Parameters at {@code [offset, end())} of the caller's flat array: {@code v} first (at
 * {@code [offset(), wideEnd())}), then {@code W1} row-major and {@code b1} (to
 * {@link #hiddenEnd()}), then {@code w2} and, last, {@code b2}. {@code W1} He-uniform, {@code w2}
 * uniform in {@code [-sqrt(6/(h+1)), ...]}, biases zero, and {@code v} zero, as Wide &amp; Deep's
 * linear part starts: a fresh tower then predicts exactly what it would without the wide input
 * (and draws the same random numbers), and {@code v}'s gradient {@code dL/dz * w} is non-zero
 * from the first step. (Measured on the default stream: zero beat uniform in [-0.3, 0.3], ctr
 * AUC 0.689 vs 0.677.) Keeps its hidden activation of the last forward pass for backward: not
 * thread-safe; backward must follow the forward of the same input.
 */
public final class Tower {

  private final int offset;
  private final int wideSize;
  private final Linear hiddenLayer;
  private final Linear outputLayer;
  private final double[] hidden;
  private final double[] dHidden;
  private final double[] z = new double[1];
  private final double[] dz = new double[1];
  // Batched passes, by columns (value j of example e at [j][e]); grown on demand.
  private int batchCapacity;
  private double[][] hiddenColumns = new double[0][];
  private double[][] hiddenRows = new double[0][];
  private double[][] zColumns = new double[1][0];
  private double[][] dHiddenColumns = new double[0][];
  private final Linear.Scratch scratch;

  /**
   * A tower without the wide input ({@code wideSize} 0).
   *
   * @param offset index of the first parameter
   * @param inputSize width of the task representation
   * @param hiddenSize width of the hidden ReLU layer
   */
  public Tower(int offset, int inputSize, int hiddenSize) {
    this(offset, inputSize, hiddenSize, 0);
  }

  /**
   * @param offset index of the first parameter, &gt;= 0
   * @param inputSize width of the task representation
   * @param hiddenSize width of the hidden ReLU layer
   * @param wideSize width of the wide input, &gt;= 0 (0 = none)
   * @throws IllegalArgumentException for a negative offset or wide size, or a width below 1
   */
  public Tower(int offset, int inputSize, int hiddenSize, int wideSize) {
    if (wideSize < 0) {
      throw new IllegalArgumentException("tower: wideSize must be >= 0, got " + wideSize);
    }
    this.offset = offset;
    this.wideSize = wideSize;
    this.hiddenLayer = new Linear(offset + wideSize, inputSize, hiddenSize);
    this.outputLayer = new Linear(hiddenLayer.end(), hiddenSize, 1);
    this.hidden = new double[hiddenSize];
    this.dHidden = new double[hiddenSize];
    this.scratch = new Linear.Scratch(Math.max(inputSize, hiddenSize));
  }

  /** Index of the first parameter. */
  public int offset() {
    return offset;
  }

  /** Width of the wide input (0 = none). */
  public int wideSize() {
    return wideSize;
  }

  /** Index one past the wide weights {@code v}, i.e. of the first hidden-layer parameter. */
  public int wideEnd() {
    return offset + wideSize;
  }

  /** Index one past the last parameter. */
  public int end() {
    return outputLayer.end();
  }

  /**
   * Index of the first parameter of the output layer: {@code [offset(), wideEnd())} is
   * {@code v}, {@code [wideEnd(), hiddenEnd())} the hidden layer ({@code W1} row-major, then
   * {@code b1}), {@code [hiddenEnd(), end() - 1)} is {@code w2} and {@code end() - 1} is
   * {@code b2}.
   */
  public int hiddenEnd() {
    return hiddenLayer.end();
  }

  /** Seeded initialisation (the wide weights are set to zero and draw nothing). */
  public void initInPlace(double[] params, SplittableRandom random) {
    hiddenLayer.initInPlace(params, random, hiddenLayer.heBound());
    outputLayer.initInPlace(params, random, Math.sqrt(6.0 / (hidden.length + 1)));
    Arrays.fill(params, offset, offset + wideSize, 0.0);
  }

  /**
   * The tower output {@code z} for representation {@code x}, for a tower without wide input.
   *
   * @throws IllegalStateException if the tower has a wide input
   */
  public double forward(double[] params, double[] x) {
    if (wideSize > 0) {
      throw new IllegalStateException("tower: has a wide input of " + wideSize
          + " values; call forward(params, x, wide, wideOff)");
    }
    return forward(params, x, null, 0);
  }

  /**
   * The tower output {@code z} for representation {@code x} and wide input
   * {@code wide[wideOff..wideOff + wideSize())} (ignored, may be null, when the tower has none).
   * The wide term is added last: {@code z = (w2 . h + b2) + (v . w)}, the dot product summed
   * from 0 in index order.
   */
  public double forward(double[] params, double[] x, double[] wide, int wideOff) {
    hiddenLayer.forward(params, x, 0, hidden, 0);
    for (int i = 0; i < hidden.length; i++) {
      if (hidden[i] < 0) {
        hidden[i] = 0;
      }
    }
    outputLayer.forward(params, hidden, 0, z, 0);
    if (wideSize == 0) {
      return z[0];
    }
    double s = 0.0;
    for (int i = 0; i < wideSize; i++) {
      s += params[offset + i] * wide[wideOff + i];
    }
    return z[0] + s;
  }

  /**
   * Backpropagates {@code dLdz} through a tower without wide input (see the full form).
   *
   * @throws IllegalStateException if the tower has a wide input
   */
  public void backward(double[] params, double[] x, double dLdz, double[] grad, int gradShift,
      TouchedBlocks touched, double[] dx) {
    if (wideSize > 0) {
      throw new IllegalStateException("tower: has a wide input of " + wideSize
          + " values; call the backward that takes it");
    }
    backward(params, x, dLdz, grad, gradShift, touched, dx, null, 0, null);
  }

  /**
   * Backpropagates {@code dLdz}: accumulates parameter gradients (parameter {@code p} at
   * {@code grad[p - gradShift]}), marks them in {@code touched} when not null, writes
   * (overwrites) the representation gradient into {@code dx}, and, when the tower has a wide
   * input and {@code dWide} is not null, adds {@code dLdz * v} into
   * {@code dWide[wideOff..]} (the wide-input gradient is accumulated, not overwritten).
   */
  public void backward(double[] params, double[] x, double dLdz, double[] grad, int gradShift,
      TouchedBlocks touched, double[] dx, double[] wide, int wideOff, double[] dWide) {
    if (wideSize > 0) {
      int g = offset - gradShift;
      for (int i = 0; i < wideSize; i++) {
        grad[g + i] += dLdz * wide[wideOff + i];
      }
      if (touched != null) {
        touched.mark(offset, offset + wideSize);
      }
      if (dWide != null) {
        for (int i = 0; i < wideSize; i++) {
          dWide[wideOff + i] += dLdz * params[offset + i];
        }
      }
    }
    dz[0] = dLdz;
    Arrays.fill(dHidden, 0.0);
    outputLayer.backward(params, hidden, 0, dz, 0, grad, gradShift, touched, dHidden, 0);
    for (int i = 0; i < hidden.length; i++) {
      if (hidden[i] <= 0) {
        dHidden[i] = 0.0;
      }
    }
    Arrays.fill(dx, 0.0);
    hiddenLayer.backward(params, x, 0, dHidden, 0, grad, gradShift, touched, dx, 0);
  }

  /**
   * {@link #backward} with the optimizer step fused in ({@link Linear#backwardStep}), for a step
   * in which this tower sees one example: steps the wide weights {@code v} (gradient
   * {@code dLdz * wide}), then the output layer and the hidden layer, each from the gradient the
   * unfused pass would accumulate, and writes the same {@code dx} and {@code dWide} from the
   * weights before the step. Bit-identical to {@link #backward} into a zeroed gradient followed
   * by the optimizer's {@code updateDenseAndClearInPlace} over the written entries.
   *
   * @param update the fused step, bound to the optimizer state of {@code params}
   * @param dx receives (overwritten) the representation gradient
   * @param wide the wide input at {@code [0, wideSize())} (ignored, may be null, when the tower
   *     has none)
   * @param dWide receives {@code dLdz * v} at {@code [0, wideSize())} (accumulated, from
   *     {@code v} before the step) when not null and the tower has a wide input
   */
  public void backwardStep(double[] params, double[] x, double dLdz, RankOneUpdate update,
      double[] dx, double[] wide, double[] dWide) {
    if (wideSize > 0) {
      update.stepRow(params, offset, wideSize, dLdz, wide, dWide);
    }
    dz[0] = dLdz;
    Arrays.fill(dHidden, 0.0);
    outputLayer.backwardStep(params, hidden, dz, update, dHidden);
    for (int i = 0; i < hidden.length; i++) {
      if (hidden[i] <= 0) {
        dHidden[i] = 0.0;
      }
    }
    Arrays.fill(dx, 0.0);
    hiddenLayer.backwardStep(params, x, dHidden, update, dx);
  }

  /**
   * Batched {@link #forward} of {@code n} examples whose representations are held by columns
   * ({@code x[j][e]}), for a tower without wide input: writes each example's {@code z} to
   * {@code z[e]}, bit-identical to {@link #forward}. Keeps the activations for
   * {@link #backwardBatch}.
   *
   * @throws IllegalStateException if the tower has a wide input
   */
  public void forwardBatch(double[] params, double[][] x, int n, double[] z) {
    if (wideSize > 0) {
      throw new IllegalStateException("tower: has a wide input of " + wideSize
          + " values; call the forwardBatch that takes it");
    }
    forwardBatch(params, x, n, z, null, 0);
  }

  /**
   * Batched {@link #forward}: representations by columns ({@code x[j][e]}), the wide input of
   * example {@code e} at {@code wideRows[e][wideOff..]} (ignored, may be null, without a
   * wide input); writes each example's {@code z} to {@code z[e]}, bit-identical to
   * {@link #forward}. Keeps the activations for {@link #backwardBatch}.
   */
  public void forwardBatch(double[] params, double[][] x, int n, double[] z,
      double[][] wideRows, int wideOff) {
    ensureBatchCapacity(n);
    hiddenLayer.forwardColumns(params, x, n, hiddenColumns, 0, true);
    outputLayer.forwardColumns(params, hiddenColumns, n, zColumns, 0, false);
    if (wideSize == 0) {
      System.arraycopy(zColumns[0], 0, z, 0, n);
      return;
    }
    for (int e = 0; e < n; e++) {
      double[] p = wideRows[e];
      double s = 0.0;
      for (int i = 0; i < wideSize; i++) {
        s += params[offset + i] * p[wideOff + i];
      }
      z[e] = zColumns[0][e] + s;
    }
  }

  /**
   * Batched {@link #backward} through the last {@link #forwardBatch}: example {@code e}'s
   * {@code dL/dz} is {@code dLdz[e]} and its representation is {@code xRows[e]} (the same values
   * as the forward pass); accumulates the parameter gradients in example order and writes
   * (overwrites) the representation gradients into {@code dxColumns[j][e]}. Bit-identical to
   * calling {@link #backward} once per example.
   */
  public void backwardBatch(double[] params, double[][] xRows, int n, double[] dLdz,
      double[] grad, int gradShift, TouchedBlocks touched, double[][] dxColumns) {
    if (wideSize > 0) {
      throw new IllegalStateException("tower: has a wide input of " + wideSize
          + " values; call the backwardBatch that takes it");
    }
    backwardBatch(params, xRows, n, dLdz, grad, gradShift, touched, dxColumns, null, 0, null,
        null);
  }

  /**
   * Batched {@link #backward} through the last {@link #forwardBatch}, with the wide input:
   * example {@code e}'s wide input is {@code wideRows[e][wideOff..]} and, when
   * {@code dWideColumns} is not null, {@code dLdz[e] * v[i]} is added into
   * {@code dWideColumns[wideOff + i][rowOf[e]]} ({@code rowOf} maps the tower's examples to
   * the caller's batch positions; null = identity). Everything else as in the form without it;
   * bit-identical to calling {@link #backward} once per example.
   */
  public void backwardBatch(double[] params, double[][] xRows, int n, double[] dLdz,
      double[] grad, int gradShift, TouchedBlocks touched, double[][] dxColumns,
      double[][] wideRows, int wideOff, double[][] dWideColumns, int[] rowOf) {
    if (wideSize > 0) {
      int g = offset - gradShift;
      for (int i = 0; i < wideSize; i++) {
        double sum = grad[g + i];
        for (int e = 0; e < n; e++) {
          sum += dLdz[e] * wideRows[e][wideOff + i];
        }
        grad[g + i] = sum;
      }
      if (touched != null) {
        touched.mark(offset, offset + wideSize);
      }
      if (dWideColumns != null) {
        for (int i = 0; i < wideSize; i++) {
          double v = params[offset + i];
          double[] column = dWideColumns[wideOff + i];
          for (int e = 0; e < n; e++) {
            column[rowOf == null ? e : rowOf[e]] += dLdz[e] * v;
          }
        }
      }
    }
    int width = hiddenColumns.length;
    for (int j = 0; j < width; j++) {
      double[] column = hiddenColumns[j];
      for (int e = 0; e < n; e++) {
        hiddenRows[e][j] = column[e];
      }
    }
    System.arraycopy(dLdz, 0, zColumns[0], 0, n);
    outputLayer.backwardWeightsRows(hiddenRows, zColumns, 0, n, null, -1, grad, gradShift,
        touched, scratch);
    for (double[] column : dHiddenColumns) {
      Arrays.fill(column, 0, n, 0.0);
    }
    outputLayer.backwardInputColumns(params, zColumns, 0, n, dHiddenColumns);
    for (int j = 0; j < width; j++) {
      double[] dh = dHiddenColumns[j];
      double[] h = hiddenColumns[j];
      for (int e = 0; e < n; e++) {
        if (h[e] <= 0) {
          dh[e] = 0.0;
        }
      }
    }
    hiddenLayer.backwardWeightsRows(xRows, dHiddenColumns, 0, n, null, -1, grad, gradShift,
        touched, scratch);
    for (double[] column : dxColumns) {
      Arrays.fill(column, 0, n, 0.0);
    }
    hiddenLayer.backwardInputColumns(params, dHiddenColumns, 0, n, dxColumns);
  }

  private void ensureBatchCapacity(int n) {
    if (n <= batchCapacity) {
      return;
    }
    int width = hidden.length;
    hiddenColumns = new double[width][n];
    hiddenRows = new double[n][width];
    zColumns = new double[1][n];
    dHiddenColumns = new double[width][n];
    batchCapacity = n;
  }
}
