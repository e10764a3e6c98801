package io.tandem.model.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One task's head: {@code z = w2 . relu(W1 x + b1) + b2}, a scalar the task's link turns into a
 * score. Parameters at {@code [offset, end())} of the caller's flat array; {@code W1} He-uniform,
 * {@code w2} uniform in {@code [-sqrt(6/(h+1)), ...]}. Keeps its hidden activation of the last
 * forward pass for backward: not thread-safe; backward must follow the forward of the same
 * input.
 */
public final class Tower {

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
   * @param offset index of the first parameter
   * @param inputSize width of the task representation
   * @param hiddenSize width of the hidden ReLU layer
   */
  public Tower(int offset, int inputSize, int hiddenSize) {
    this.hiddenLayer = new Linear(offset, inputSize, hiddenSize);
    this.outputLayer = new Linear(hiddenLayer.end(), hiddenSize, 1);
    this.hidden = new double[hiddenSize];
    this.dHidden = new double[hiddenSize];
    this.scratch = new Linear.Scratch(Math.max(inputSize, hiddenSize));
  }

  /** Index of the first parameter. */
  public int offset() {
    return hiddenLayer.offset();
  }

  /** Index one past the last parameter. */
  public int end() {
    return outputLayer.end();
  }

  /**
   * Index of the first parameter of the output layer: {@code [offset(), hiddenEnd())} is the
   * hidden layer ({@code W1} row-major, then {@code b1}), {@code [hiddenEnd(), end() - 1)} is
   * {@code w2} and {@code end() - 1} is {@code b2}.
   */
  public int hiddenEnd() {
    return hiddenLayer.end();
  }

  /** Seeded initialisation. */
  public void initInPlace(double[] params, SplittableRandom random) {
    hiddenLayer.initInPlace(params, random, hiddenLayer.heBound());
    outputLayer.initInPlace(params, random, Math.sqrt(6.0 / (hidden.length + 1)));
  }

  /** The tower output {@code z} for representation {@code x}. */
  public double forward(double[] params, double[] x) {
    hiddenLayer.forward(params, x, 0, hidden, 0);
    for (int i = 0; i < hidden.length; i++) {
      if (hidden[i] < 0) {
        hidden[i] = 0;
      }
    }
    outputLayer.forward(params, hidden, 0, z, 0);
    return z[0];
  }

  /**
   * Backpropagates {@code dLdz}: accumulates parameter gradients (parameter {@code p} at
   * {@code grad[p - gradShift]}), marks them in {@code touched} when not null, and writes
   * (overwrites) the representation gradient into {@code dx}.
   */
  public void backward(double[] params, double[] x, double dLdz, double[] grad, int gradShift,
      TouchedBlocks touched, double[] dx) {
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
   * Batched {@link #forward} of {@code n} examples whose representations are held by columns
   * ({@code x[j][e]}): writes each example's {@code z} to {@code z[e]}, bit-identical to
   * {@link #forward}. Keeps the activations for {@link #backwardBatch}.
   */
  public void forwardBatch(double[] params, double[][] x, int n, double[] z) {
    ensureBatchCapacity(n);
    hiddenLayer.forwardColumns(params, x, n, hiddenColumns, 0, true);
    outputLayer.forwardColumns(params, hiddenColumns, n, zColumns, 0, false);
    System.arraycopy(zColumns[0], 0, z, 0, n);
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
