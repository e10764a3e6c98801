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
  private final double[] softmaxScratch;
  private final Linear.Scratch scratch;
  // Batched passes, by columns (value j of example e at [j][e]); grown on demand.
  private int batchCapacity;
  private double[][] hiddenColumns = new double[0][];
  private final double[][][] gateColumns;
  private final double[][][] outputColumns;
  private double[][] selectedGate = new double[0][];
  private double[][] dotColumns = new double[0][];
  private double[] weightedColumn = new double[0];
  private double[][] dHiddenColumns = new double[0][];
  private final double[][][] dGateColumns;

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
    this.softmaxScratch = new double[expertCount];
    this.scratch = new Linear.Scratch(inputSize);
    this.gateColumns = new double[taskCount][0][];
    this.outputColumns = new double[taskCount][0][];
    this.dGateColumns = new double[taskCount][0][];
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

  @Override
  public void forwardBatch(double[] params, double[][] xColumns, int n) {
    ensureBatchCapacity(n);
    int m = expertSize;
    int experts = this.experts.length;
    for (int k = 0; k < experts; k++) {
      this.experts[k].forwardColumns(params, xColumns, n, hiddenColumns, k * m, true);
    }
    for (int t = 0; t < gates.length; t++) {
      double[][] g = gateColumns[t];
      gates[t].forwardColumns(params, xColumns, n, g, 0, false);
      for (int e = 0; e < n; e++) {
        for (int k = 0; k < experts; k++) {
          softmaxScratch[k] = g[k][e];
        }
        softmaxInPlace(softmaxScratch);
        for (int k = 0; k < experts; k++) {
          g[k][e] = softmaxScratch[k];
        }
      }
      double[][] o = outputColumns[t];
      for (int j = 0; j < m; j++) {
        Arrays.fill(o[j], 0, n, 0.0);
      }
      for (int k = 0; k < experts; k++) {
        double[] gk = g[k];
        for (int j = 0; j < m; j++) {
          double[] oj = o[j];
          double[] hj = hiddenColumns[k * m + j];
          for (int e = 0; e < n; e++) {
            oj[e] += gk[e] * hj[e];
          }
        }
      }
    }
  }

  @Override
  public void batchOutput(int task, int e, double[] out) {
    double[][] o = outputColumns[task];
    for (int j = 0; j < expertSize; j++) {
      out[j] = o[j][e];
    }
  }

  @Override
  public void backwardBatch(double[] params, double[][] xRows, int n, int[] rowTask,
      double[][] dOut, double[] grad, double[][] gradByTask, TouchedBlocks touched,
      double[][] dxColumns) {
    int m = expertSize;
    int experts = this.experts.length;
    // The gate of each example's task, then dL/dg_k = dOut . h_k and the softmax backward.
    for (int k = 0; k < experts; k++) {
      double[] gk = selectedGate[k];
      for (int e = 0; e < n; e++) {
        gk[e] = gateColumns[rowTask[e]][k][e];
      }
    }
    for (int k = 0; k < experts; k++) {
      double[] sk = dotColumns[k];
      Arrays.fill(sk, 0, n, 0.0);
      for (int j = 0; j < m; j++) {
        double[] dj = dOut[j];
        double[] hj = hiddenColumns[k * m + j];
        for (int e = 0; e < n; e++) {
          sk[e] += dj[e] * hj[e];
        }
      }
    }
    Arrays.fill(weightedColumn, 0, n, 0.0);
    for (int k = 0; k < experts; k++) {
      double[] gk = selectedGate[k];
      double[] sk = dotColumns[k];
      for (int e = 0; e < n; e++) {
        weightedColumn[e] += gk[e] * sk[e];
      }
    }
    for (int t = 0; t < gates.length; t++) {
      for (int k = 0; k < experts; k++) {
        double[] dg = dGateColumns[t][k];
        double[] gk = selectedGate[k];
        double[] sk = dotColumns[k];
        for (int e = 0; e < n; e++) {
          dg[e] = rowTask[e] == t ? gk[e] * (sk[e] - weightedColumn[e]) : 0.0;
        }
      }
    }
    // dL/dh_k = g_k dOut behind the ReLU.
    for (int k = 0; k < experts; k++) {
      double[] gk = selectedGate[k];
      for (int j = 0; j < m; j++) {
        double[] dj = dOut[j];
        double[] hj = hiddenColumns[k * m + j];
        double[] dh = dHiddenColumns[k * m + j];
        for (int e = 0; e < n; e++) {
          dh[e] = hj[e] > 0 ? gk[e] * dj[e] : 0.0;
        }
      }
    }
    // Parameter gradients: each gate sees only its task's examples (the others are zero).
    for (int t = 0; t < gates.length; t++) {
      double[] target = gradByTask == null ? grad : gradByTask[t];
      gates[t].backwardWeightsRows(xRows, dGateColumns[t], 0, n, null, -1, target, 0,
          gradByTask == null ? touched : null, scratch);
    }
    for (int k = 0; k < experts; k++) {
      if (gradByTask == null) {
        this.experts[k].backwardWeightsRows(xRows, dHiddenColumns, k * m, n, null, -1, grad, 0,
            touched, scratch);
      } else {
        for (int t = 0; t < gradByTask.length; t++) {
          this.experts[k].backwardWeightsRows(xRows, dHiddenColumns, k * m, n, rowTask, t,
              gradByTask[t], 0, null, scratch);
        }
      }
    }
    // Input gradient, per example in the per-example order: its gate, then the experts.
    for (int t = 0; t < gates.length; t++) {
      gates[t].backwardInputColumns(params, dGateColumns[t], 0, n, dxColumns);
    }
    for (int k = 0; k < experts; k++) {
      this.experts[k].backwardInputColumns(params, dHiddenColumns, k * m, n, dxColumns);
    }
  }

  private void ensureBatchCapacity(int n) {
    if (n <= batchCapacity) {
      return;
    }
    int experts = this.experts.length;
    hiddenColumns = new double[experts * expertSize][n];
    dHiddenColumns = new double[experts * expertSize][n];
    selectedGate = new double[experts][n];
    dotColumns = new double[experts][n];
    weightedColumn = new double[n];
    for (int t = 0; t < gates.length; t++) {
      gateColumns[t] = new double[experts][n];
      outputColumns[t] = new double[expertSize][n];
      dGateColumns[t] = new double[experts][n];
    }
    batchCapacity = n;
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
