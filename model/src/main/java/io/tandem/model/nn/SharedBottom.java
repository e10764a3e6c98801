package io.tandem.model.nn;

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
    int top = layers.length;
    double[] d = deltas[top];
    double[] a = activations[top - 1];
    for (int i = 0; i < d.length; i++) {
      d[i] = a[i] > 0 ? dOut[i] : 0.0;
    }
    for (int l = top - 1; l >= 0; l--) {
      double[] x = l == 0 ? input : activations[l - 1];
      double[] dx = l == 0 ? dInput : deltas[l];
      if (l > 0) {
        java.util.Arrays.fill(dx, 0.0);
      }
      layers[l].backward(params, x, 0, deltas[l + 1], 0, grad, gradShift, touched, dx, 0);
      if (l > 0) {
        for (int i = 0; i < dx.length; i++) {
          if (x[i] <= 0) {
            dx[i] = 0.0;
          }
        }
      }
    }
  }
}
