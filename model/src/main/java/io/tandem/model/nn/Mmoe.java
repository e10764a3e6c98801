package io.tandem.model.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Multi-gate mixture of experts (Ma et al., KDD 2018): {@code K} experts
 * {@code h_k = relu(W_k x + b_k)} and, per task {@code t}, a softmax gate
 * {@code g_t = softmax(V_t x + c_t)}; task {@code t}'s representation is
 * {@code o_t = sum_k g_tk h_k}.
 *
 * <p>Backward for task {@code t} and upstream {@code d = dL/do_t}: {@code dL/dg_tk = d . h_k};
 * through the softmax, {@code dL/dz_tk = g_tk (dL/dg_tk - sum_j g_tj dL/dg_tj)}; into the
 * experts, {@code dL/dh_k = g_tk d}, masked by the ReLU. Layout: experts, then gates. Experts
 * are He-uniform initialised, gate weights uniform in {@code [-0.01, 0.01]} (near-uniform
 * mixtures at the start).
 */
public final class Mmoe implements SharedPart {

  private static final double GATE_INIT = 0.01;

  private final int inputSize;
  private final int expertSize;
  private final Linear[] experts;
  private final Linear[] gates;
  private final double[] hidden;
  private final double[][] gateValues;
  private final double[][] outputs;
  private final double[] dHidden;
  private final double[] dGate;

  /**
   * @param inputSize width of the dense input
   * @param expertCount number of experts {@code K}
   * @param expertSize width of each expert
   * @param taskCount number of tasks (gates)
   */
  public Mmoe(int inputSize, int expertCount, int expertSize, int taskCount) {
    this.inputSize = inputSize;
    this.expertSize = expertSize;
    this.experts = new Linear[expertCount];
    this.gates = new Linear[taskCount];
    int offset = 0;
    for (int k = 0; k < expertCount; k++) {
      experts[k] = new Linear(offset, inputSize, expertSize);
      offset = experts[k].end();
    }
    for (int t = 0; t < taskCount; t++) {
      gates[t] = new Linear(offset, inputSize, expertCount);
      offset = gates[t].end();
    }
    this.hidden = new double[expertCount * expertSize];
    this.gateValues = new double[taskCount][expertCount];
    this.outputs = new double[taskCount][expertSize];
    this.dHidden = new double[expertSize];
    this.dGate = new double[expertCount];
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public int outputSize() {
    return expertSize;
  }

  @Override
  public int parameterCount() {
    return gates[gates.length - 1].end();
  }

  /** The gate mixture weights of {@code task} from the last forward pass (do not modify). */
  public double[] gate(int task) {
    return gateValues[task];
  }

  @Override
  public void initInPlace(double[] params, SplittableRandom random) {
    for (Linear e : experts) {
      e.initInPlace(params, random, e.heBound());
    }
    for (Linear g : gates) {
      g.initInPlace(params, random, GATE_INIT);
    }
  }

  @Override
  public void forward(double[] params, double[] input) {
    int m = expertSize;
    for (int k = 0; k < experts.length; k++) {
      experts[k].forward(params, input, 0, hidden, k * m);
    }
    for (int i = 0; i < hidden.length; i++) {
      if (hidden[i] < 0) {
        hidden[i] = 0;
      }
    }
    for (int t = 0; t < gates.length; t++) {
      double[] g = gateValues[t];
      gates[t].forward(params, input, 0, g, 0);
      softmaxInPlace(g);
      double[] o = outputs[t];
      Arrays.fill(o, 0.0);
      for (int k = 0; k < experts.length; k++) {
        double gk = g[k];
        int base = k * m;
        for (int j = 0; j < m; j++) {
          o[j] += gk * hidden[base + j];
        }
      }
    }
  }

  @Override
  public double[] output(int task) {
    return outputs[task];
  }

  @Override
  public void backward(double[] params, double[] input, int task, double[] dOut, double[] grad,
      int gradShift, TouchedBlocks touched, double[] dInput) {
    int m = expertSize;
    double[] g = gateValues[task];
    double weighted = 0;
    for (int k = 0; k < experts.length; k++) {
      double s = 0;
      int base = k * m;
      for (int j = 0; j < m; j++) {
        s += dOut[j] * hidden[base + j];
      }
      dGate[k] = s;
      weighted += g[k] * s;
    }
    for (int k = 0; k < experts.length; k++) {
      dGate[k] = g[k] * (dGate[k] - weighted);
    }
    gates[task].backward(params, input, 0, dGate, 0, grad, gradShift, touched, dInput, 0);
    for (int k = 0; k < experts.length; k++) {
      double gk = g[k];
      int base = k * m;
      for (int j = 0; j < m; j++) {
        dHidden[j] = hidden[base + j] > 0 ? gk * dOut[j] : 0.0;
      }
      experts[k].backward(params, input, 0, dHidden, 0, grad, gradShift, touched, dInput, 0);
    }
  }

  /** Numerically stable softmax: subtracts the maximum before exponentiating. */
  static void softmaxInPlace(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      z[i] = Math.exp(z[i] - max);
      sum += z[i];
    }
    for (int i = 0; i < z.length; i++) {
      z[i] /= sum;
    }
  }
}
