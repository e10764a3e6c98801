package io.tandem.model.nn;

import io.tandem.model.optim.RankOneUpdate;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hard parameter sharing (Caruana 1997): one ReLU MLP over the input,
 * {@code a_i = relu(W_i a_{i-1} + b_i)}, whose last activation is every task's representation.
 * Backward runs once per labelled task with that task's upstream gradient; since the network is
 * the same for every task, the per-task parameter gradients add up to the gradient of the summed
 * loss. Layers are He-uniform initialised.
 */
public final class SharedBottom implements SharedPart {

  private final int inputSize;
  private final Linear[] layers;
  private final double[][] activations;
  private final double[][] deltas;
  // Batched passes, by columns (value j of example e at [j][e]); grown on demand.
  private int batchCapacity;
  private final double[][][] activationColumns;
  private final double[][][] deltaColumns;
  private double[][] rows = new double[0][];
  private final Linear.Scratch scratch;
  // reforwardExamples: the listed examples' inputs and activations, by columns; grown on demand.
  private int patchCapacity;
  private double[][] patchInput = new double[0][];
  private final double[][][] patchActivations;

  /**
   * @param inputSize width of the dense input
   * @param hiddenSizes widths of the ReLU layers, at least one
   */
  public SharedBottom(int inputSize, List<Integer> hiddenSizes) {
    if (hiddenSizes.isEmpty()) {
      throw new IllegalArgumentException("hiddenSizes: need at least one layer");
    }
    this.inputSize = inputSize;
    this.layers = new Linear[hiddenSizes.size()];
    this.activations = new double[hiddenSizes.size()][];
    this.deltas = new double[hiddenSizes.size() + 1][];
    deltas[0] = new double[inputSize];
    int offset = 0;
    int in = inputSize;
    for (int i = 0; i < layers.length; i++) {
      int out = hiddenSizes.get(i);
      layers[i] = new Linear(offset, in, out);
      activations[i] = new double[out];
      deltas[i + 1] = new double[out];
      offset = layers[i].end();
      in = out;
    }
    int widestInput = inputSize;
    for (int size : hiddenSizes) {
      widestInput = Math.max(widestInput, size);
    }
    this.scratch = new Linear.Scratch(widestInput);
    this.activationColumns = new double[layers.length][0][];
    this.deltaColumns = new double[layers.length + 1][0][];
    this.patchActivations = new double[layers.length][0][];
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public int outputSize() {
    return layers[layers.length - 1].out();
  }

  @Override
  public int parameterCount() {
    return layers[layers.length - 1].end();
  }

  @Override
  public void initInPlace(double[] params, SplittableRandom random) {
    for (Linear layer : layers) {
      layer.initInPlace(params, random, layer.heBound());
    }
  }

  @Override
  public void forward(double[] params, double[] input) {
    double[] x = input;
    for (int l = 0; l < layers.length; l++) {
      double[] a = activations[l];
      layers[l].forward(params, x, 0, a, 0);
      for (int i = 0; i < a.length; i++) {
        if (a[i] < 0) {
          a[i] = 0;
        }
      }
      x = a;
    }
  }

  @Override
  public double[] output(int task) {
    return activations[layers.length - 1];
  }

  @Override
  public void backward(double[] params, double[] input, int task, double[] dOut, double[] grad,
      int gradShift, TouchedBlocks touched, double[] dInput) {
    topDelta(dOut);
    for (int l = layers.length - 1; l >= 0; l--) {
      double[] dx = inputGradientOf(l, dInput);
      layers[l].backward(params, inputOf(l, input), 0, deltas[l + 1], 0, grad, gradShift,
          touched, dx, 0);
      maskInactive(l);
    }
  }

  @Override
  public void backwardStep(double[] params, double[] input, int task, double[] dOut,
      RankOneUpdate update, double[] dInput) {
    topDelta(dOut);
    for (int l = layers.length - 1; l >= 0; l--) {
      double[] dx = inputGradientOf(l, dInput);
      layers[l].backwardStep(params, inputOf(l, input), deltas[l + 1], update, dx);
      maskInactive(l);
    }
  }

  /** The top layer's pre-activation gradient: {@code dOut} behind its ReLU. */
  private void topDelta(double[] dOut) {
    int top = layers.length;
    double[] d = deltas[top];
    double[] a = activations[top - 1];
    for (int i = 0; i < d.length; i++) {
      d[i] = a[i] > 0 ? dOut[i] : 0.0;
    }
  }

  /** Layer {@code l}'s input in the last forward pass. */
  private double[] inputOf(int l, double[] input) {
    return l == 0 ? input : activations[l - 1];
  }

  /**
   * Where layer {@code l}'s backward pass adds its input gradient: the caller's {@code dInput}
   * for the first layer, else the layer below's delta, cleared first.
   */
  private double[] inputGradientOf(int l, double[] dInput) {
    if (l == 0) {
      return dInput;
    }
    Arrays.fill(deltas[l], 0.0);
    return deltas[l];
  }

  /** Turns layer {@code l}'s input gradient into the layer below's delta (behind its ReLU). */
  private void maskInactive(int l) {
    if (l == 0) {
      return;
    }
    double[] dx = deltas[l];
    double[] x = activations[l - 1];
    for (int i = 0; i < dx.length; i++) {
      if (x[i] <= 0) {
        dx[i] = 0.0;
      }
    }
  }

  @Override
  public void forwardBatch(double[] params, double[][] xColumns, int n) {
    ensureBatchCapacity(n);
    forwardInto(params, xColumns, n, activationColumns);
  }

  @Override
  public void reforwardExamples(double[] params, double[][] xColumns, int[] examples,
      int count) {
    if (count == 0) {
      return;
    }
    ensurePatchCapacity(count);
    ExampleColumns.gather(xColumns, patchInput, inputSize, examples, count);
    forwardInto(params, patchInput, count, patchActivations);
    for (int l = 0; l < layers.length; l++) {
      ExampleColumns.scatter(patchActivations[l], activationColumns[l], examples, count);
    }
  }

  /**
   * The batched forward of {@code n} examples into {@code out[layer]} (by columns). Each
   * example's values depend on its own inputs only, never on its column or the batch.
   */
  private void forwardInto(double[] params, double[][] xColumns, int n, double[][][] out) {
    double[][] x = xColumns;
    for (int l = 0; l < layers.length; l++) {
      double[][] a = out[l];
      layers[l].forwardColumns(params, x, n, a, 0, true);
      x = a;
    }
  }

  private void ensurePatchCapacity(int count) {
    if (count <= patchCapacity) {
      return;
    }
    patchInput = new double[inputSize][count];
    for (int l = 0; l < layers.length; l++) {
      patchActivations[l] = new double[layers[l].out()][count];
    }
    patchCapacity = count;
  }

  @Override
  public void batchOutput(int task, int e, double[] out) {
    double[][] a = activationColumns[layers.length - 1];
    for (int j = 0; j < a.length; j++) {
      out[j] = a[j][e];
    }
  }

  @Override
  public double[][] batchOutputColumns(int task) {
    return activationColumns[layers.length - 1];
  }

  @Override
  public void backwardBatch(double[] params, double[][] xRows, int n, int[] rowTask,
      double[][] dOut, double[] grad, double[][] gradByTask, TouchedBlocks touched,
      double[][] dxColumns) {
    int top = layers.length;
    double[][] d = deltaColumns[top];
    double[][] a = activationColumns[top - 1];
    for (int j = 0; j < a.length; j++) {
      for (int e = 0; e < n; e++) {
        d[j][e] = a[j][e] > 0 ? dOut[j][e] : 0.0;
      }
    }
    for (int l = top - 1; l >= 0; l--) {
      Linear layer = layers[l];
      double[][] x = xRows;
      if (l > 0) {
        x = rows;
        double[][] prev = activationColumns[l - 1];
        for (int i = 0; i < prev.length; i++) {
          for (int e = 0; e < n; e++) {
            x[e][i] = prev[i][e];
          }
        }
      }
      if (gradByTask == null) {
        layer.backwardWeightsRows(x, deltaColumns[l + 1], 0, n, null, -1, grad, 0, touched,
            scratch);
      } else {
        for (int t = 0; t < gradByTask.length; t++) {
          layer.backwardWeightsRows(x, deltaColumns[l + 1], 0, n, rowTask, t, gradByTask[t], 0,
              null, scratch);
        }
      }
      if (l == 0) {
        layer.backwardInputColumns(params, deltaColumns[1], 0, n, dxColumns);
      } else {
        double[][] dx = deltaColumns[l];
        double[][] prev = activationColumns[l - 1];
        for (double[] column : dx) {
          Arrays.fill(column, 0, n, 0.0);
        }
        layer.backwardInputColumns(params, deltaColumns[l + 1], 0, n, dx);
        for (int i = 0; i < dx.length; i++) {
          for (int e = 0; e < n; e++) {
            if (prev[i][e] <= 0) {
              dx[i][e] = 0.0;
            }
          }
        }
      }
    }
  }

  private void ensureBatchCapacity(int n) {
    if (n <= batchCapacity) {
      return;
    }
    int widest = 0;
    for (int l = 0; l < layers.length; l++) {
      activationColumns[l] = new double[layers[l].out()][n];
      deltaColumns[l + 1] = new double[layers[l].out()][n];
      widest = Math.max(widest, layers[l].out());
    }
    rows = new double[n][widest];
    batchCapacity = n;
  }
}
