package io.tandem.model.nn;

import io.tandem.model.optim.RankOneUpdate;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Customized gate control (CGC), the single-level building block of PLE (Tang, Liu, Zhao and
 * Gong, "Progressive Layered Extraction", RecSys 2020): {@code S} shared experts, {@code P}
 * experts private to each task, and per task a softmax gate over the shared experts and that
 * task's own experts only.
 *
 * <pre>
 *   h_k = relu(W_k x + b_k)                        every expert k (shared and private)
 *   E_t = [shared_1..shared_S, own_t,1..own_t,P]    the experts task t may use, in this order
 *   g_t = softmax(V_t x + c_t)                     length S + P
 *   o_t = sum_i g_ti h_{E_t[i]}
 * </pre>
 *
 * <p>Backward for task {@code t} and {@code d = dL/do_t}: {@code dL/dg_ti = d . h_{E_t[i]}};
 * through the softmax {@code dL/dz_ti = g_ti (dL/dg_ti - sum_j g_tj dL/dg_tj)}; into expert
 * {@code E_t[i]}, {@code g_ti d} behind its ReLU. A private expert of task {@code t} receives
 * gradient only from task {@code t}'s loss, which is what separates CGC from MMoE: each task
 * keeps capacity that a conflicting task cannot pull away (the "seesaw" the paper addresses),
 * while the shared experts still transfer.
 *
 * <p>MMoE (Ma et al., KDD 2018: {@code K} shared experts and one softmax gate per task,
 * {@code o_t = sum_k g_tk h_k}) is exactly the special case {@code P = 0}, and Tandem's
 * {@code mmoe} architecture is this class with no private experts: the layout is then the
 * experts followed by the gates, initialised in that order.
 *
 * <p>Layout of the parameters, chosen so that a task added later appends its own block at the
 * end of the shared part: the {@code S} shared experts, then per task in task order its
 * {@code P} private experts followed by its gate. Experts are He-uniform initialised, gate
 * weights uniform in {@code [-0.01, 0.01]} (near-uniform mixtures at the start), biases zero.
 *
 * <p>The batched passes ({@link #forwardBatch}, {@link #backwardBatch}) give bit-identical results
 * to the per-example ones: every sum is added in the per-example order. Keeps activations in
 * internal buffers: not thread-safe.
 */
public final class Cgc implements SharedPart {

  private static final double GATE_INIT = 0.01;
  /** Applied twice in {@link #reluMask}: lifts any positive double to at least 1. */
  private static final double RELU_MASK_SCALE = 1e300;

  private final int inputSize;
  private final int expertSize;
  private final int sharedExperts;
  private final int taskExperts;
  private final int taskCount;
  /** Shared experts first, then task 0's private experts, task 1's, and so on. */
  private final Linear[] experts;
  private final Linear[] gates;
  private final int parameterCount;
  private final double[] hidden;
  private final double[][] gateValues;
  private final double[][] outputs;
  private final double[] dHidden;
  private final double[] dGate;
  private final Linear.Scratch scratch;
  // Batched passes, by columns (value j of example e at [j][e]); grown on demand.
  private int batchCapacity;
  private double[][] hiddenColumns = new double[0][];
  private final double[][][] gateColumns;
  private final double[][][] outputColumns;
  private final double[] softmaxScratch;
  private double[][] selectedGate = new double[0][];
  private double[][] dotColumns = new double[0][];
  private double[] weightedColumn = new double[0];
  private double[][] dHiddenColumns = new double[0][];
  private final double[][][] dGateColumns;
  // reforwardExamples: the listed examples' inputs and activations, by columns; grown on demand.
  private int patchCapacity;
  private double[][] patchInput = new double[0][];
  private double[][] patchHidden = new double[0][];
  private final double[][][] patchGate;
  private final double[][][] patchOutput;

  /**
   * @param inputSize width of the dense input, &gt;= 1
   * @param sharedExperts number of shared experts {@code S}, &gt;= 1
   * @param taskExperts number of private experts per task {@code P}, &gt;= 0 (0: MMoE)
   * @param expertSize width of every expert, &gt;= 1
   * @param taskCount number of tasks, &gt;= 1
   * @throws IllegalArgumentException for a count or width below its minimum
   */
  public Cgc(int inputSize, int sharedExperts, int taskExperts, int expertSize, int taskCount) {
    if (inputSize < 1 || sharedExperts < 1 || taskExperts < 0 || expertSize < 1
        || taskCount < 1) {
      throw new IllegalArgumentException("cgc: inputSize " + inputSize + ", sharedExperts "
          + sharedExperts + ", taskExperts " + taskExperts + ", expertSize " + expertSize
          + ", taskCount " + taskCount + " (taskExperts must be >= 0, the others >= 1)");
    }
    this.inputSize = inputSize;
    this.expertSize = expertSize;
    this.sharedExperts = sharedExperts;
    this.taskExperts = taskExperts;
    this.taskCount = taskCount;
    this.experts = new Linear[sharedExperts + taskCount * taskExperts];
    this.gates = new Linear[taskCount];
    int offset = 0;
    for (int k = 0; k < sharedExperts; k++) {
      experts[k] = new Linear(offset, inputSize, expertSize);
      offset = experts[k].end();
    }
    int width = sharedExperts + taskExperts;
    for (int t = 0; t < taskCount; t++) {
      for (int p = 0; p < taskExperts; p++) {
        int k = sharedExperts + t * taskExperts + p;
        experts[k] = new Linear(offset, inputSize, expertSize);
        offset = experts[k].end();
      }
      gates[t] = new Linear(offset, inputSize, width);
      offset = gates[t].end();
    }
    this.parameterCount = offset;
    this.hidden = new double[experts.length * expertSize];
    this.gateValues = new double[taskCount][width];
    this.outputs = new double[taskCount][expertSize];
    this.dHidden = new double[expertSize];
    this.dGate = new double[width];
    this.softmaxScratch = new double[width];
    this.scratch = new Linear.Scratch(inputSize);
    this.gateColumns = new double[taskCount][0][];
    this.outputColumns = new double[taskCount][0][];
    this.dGateColumns = new double[taskCount][0][];
    this.patchGate = new double[taskCount][0][];
    this.patchOutput = new double[taskCount][0][];
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
    return parameterCount;
  }

  /** Number of experts a task's gate mixes: shared plus the task's own. */
  public int gateWidth() {
    return sharedExperts + taskExperts;
  }

  /**
   * The gate mixture weights of {@code task} from the last forward pass (do not modify): the
   * shared experts first, then the task's own.
   */
  public double[] gate(int task) {
    return gateValues[task];
  }

  /** Index into {@link #experts} of position {@code i} of task {@code t}'s gate. */
  private int expertOf(int t, int i) {
    return i < sharedExperts ? i : sharedExperts + t * taskExperts + (i - sharedExperts);
  }

  @Override
  public void initInPlace(double[] params, SplittableRandom random) {
    for (int k = 0; k < sharedExperts; k++) {
      experts[k].initInPlace(params, random, experts[k].heBound());
    }
    for (int t = 0; t < taskCount; t++) {
      for (int p = 0; p < taskExperts; p++) {
        Linear e = experts[sharedExperts + t * taskExperts + p];
        e.initInPlace(params, random, e.heBound());
      }
      gates[t].initInPlace(params, random, GATE_INIT);
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
    for (int t = 0; t < taskCount; t++) {
      double[] g = gateValues[t];
      gates[t].forward(params, input, 0, g, 0);
      softmaxInPlace(g);
      double[] o = outputs[t];
      Arrays.fill(o, 0.0);
      for (int i = 0; i < g.length; i++) {
        double gi = g[i];
        int base = expertOf(t, i) * m;
        for (int j = 0; j < m; j++) {
          o[j] += gi * hidden[base + j];
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
    gateGradient(task, dOut);
    gates[task].backward(params, input, 0, dGate, 0, grad, gradShift, touched, dInput, 0);
    for (int i = 0; i < gateWidth(); i++) {
      int k = expertGradient(task, i, dOut);
      experts[k].backward(params, input, 0, dHidden, 0, grad, gradShift, touched, dInput, 0);
    }
  }

  @Override
  public void backwardStep(double[] params, double[] input, int task, double[] dOut,
      RankOneUpdate update, double[] dInput) {
    gateGradient(task, dOut);
    gates[task].backwardStep(params, input, dGate, update, dInput);
    for (int i = 0; i < gateWidth(); i++) {
      int k = expertGradient(task, i, dOut);
      experts[k].backwardStep(params, input, dHidden, update, dInput);
    }
  }

  /** Writes {@code dL/dz} of {@code task}'s gate logits into {@link #dGate} (last forward). */
  private void gateGradient(int task, double[] dOut) {
    int m = expertSize;
    double[] g = gateValues[task];
    double weighted = 0;
    for (int i = 0; i < g.length; i++) {
      double s = 0;
      int base = expertOf(task, i) * m;
      for (int j = 0; j < m; j++) {
        s += dOut[j] * hidden[base + j];
      }
      dGate[i] = s;
      weighted += g[i] * s;
    }
    for (int i = 0; i < g.length; i++) {
      dGate[i] = g[i] * (dGate[i] - weighted);
    }
  }

  /**
   * Writes into {@link #dHidden} the gradient in the pre-activation of the expert at position
   * {@code i} of {@code task}'s gate ({@code g_ti dOut} behind its ReLU) and returns that
   * expert's index.
   */
  private int expertGradient(int task, int i, double[] dOut) {
    int m = expertSize;
    double gi = gateValues[task][i];
    int k = expertOf(task, i);
    int base = k * m;
    for (int j = 0; j < m; j++) {
      dHidden[j] = hidden[base + j] > 0 ? gi * dOut[j] : 0.0;
    }
    return k;
  }

  @Override
  public void forwardBatch(double[] params, double[][] xColumns, int n) {
    ensureBatchCapacity(n);
    forwardInto(params, xColumns, n, hiddenColumns, gateColumns, outputColumns);
  }

  @Override
  public void reforwardExamples(double[] params, double[][] xColumns, int[] examples,
      int count) {
    if (count == 0) {
      return;
    }
    ensurePatchCapacity(count);
    ExampleColumns.gather(xColumns, patchInput, inputSize, examples, count);
    forwardInto(params, patchInput, count, patchHidden, patchGate, patchOutput);
    ExampleColumns.scatter(patchHidden, hiddenColumns, examples, count);
    for (int t = 0; t < taskCount; t++) {
      ExampleColumns.scatter(patchGate[t], gateColumns[t], examples, count);
      ExampleColumns.scatter(patchOutput[t], outputColumns[t], examples, count);
    }
  }

  /** {@code to[j][examples[a]] = from[j][a]} for every column {@code j} and {@code a < count}. */

  /**
   * The batched forward of {@code n} examples into the given activation buffers (expert outputs,
   * per task the gate values and the representation, all by columns). Each example's values
   * depend on its own inputs only, never on its column or the batch.
   */
  private void forwardInto(double[] params, double[][] xColumns, int n, double[][] hiddenOut,
      double[][][] gateOut, double[][][] outputOut) {
    int m = expertSize;
    int width = gateWidth();
    for (int k = 0; k < experts.length; k++) {
      experts[k].forwardColumns(params, xColumns, n, hiddenOut, k * m, true);
    }
    for (int t = 0; t < taskCount; t++) {
      double[][] g = gateOut[t];
      gates[t].forwardColumns(params, xColumns, n, g, 0, false);
      for (int e = 0; e < n; e++) {
        for (int i = 0; i < width; i++) {
          softmaxScratch[i] = g[i][e];
        }
        softmaxInPlace(softmaxScratch);
        for (int i = 0; i < width; i++) {
          g[i][e] = softmaxScratch[i];
        }
      }
      double[][] o = outputOut[t];
      for (int j = 0; j < m; j++) {
        Arrays.fill(o[j], 0, n, 0.0);
      }
      for (int i = 0; i < width; i++) {
        double[] gi = g[i];
        int base = expertOf(t, i) * m;
        for (int j = 0; j < m; j++) {
          double[] oj = o[j];
          double[] hj = hiddenOut[base + j];
          for (int e = 0; e < n; e++) {
            oj[e] += gi[e] * hj[e];
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
  public double[][] batchOutputColumns(int task) {
    return outputColumns[task];
  }

  @Override
  public void backwardBatch(double[] params, double[][] xRows, int n, int[] rowTask,
      double[][] dOut, double[] grad, double[][] gradByTask, TouchedBlocks touched,
      double[][] dxColumns) {
    int m = expertSize;
    int width = gateWidth();
    // Each example's gate value at position i, and dL/dg_i = dOut . h_{E_t[i]} (the expert
    // behind a private position depends on the example's task).
    for (int i = 0; i < width; i++) {
      double[] gi = selectedGate[i];
      double[] si = dotColumns[i];
      for (int e = 0; e < n; e++) {
        gi[e] = gateColumns[rowTask[e]][i][e];
      }
      Arrays.fill(si, 0, n, 0.0);
      if (i < sharedExperts) {
        for (int j = 0; j < m; j++) {
          double[] dj = dOut[j];
          double[] hj = hiddenColumns[i * m + j];
          for (int e = 0; e < n; e++) {
            si[e] += dj[e] * hj[e];
          }
        }
      } else {
        for (int j = 0; j < m; j++) {
          double[] dj = dOut[j];
          for (int e = 0; e < n; e++) {
            si[e] += dj[e] * hiddenColumns[expertOf(rowTask[e], i) * m + j][e];
          }
        }
      }
    }
    Arrays.fill(weightedColumn, 0, n, 0.0);
    for (int i = 0; i < width; i++) {
      double[] gi = selectedGate[i];
      double[] si = dotColumns[i];
      for (int e = 0; e < n; e++) {
        weightedColumn[e] += gi[e] * si[e];
      }
    }
    for (int t = 0; t < taskCount; t++) {
      for (int i = 0; i < width; i++) {
        double[] dg = dGateColumns[t][i];
        double[] gi = selectedGate[i];
        double[] si = dotColumns[i];
        for (int e = 0; e < n; e++) {
          dg[e] = rowTask[e] == t ? gi[e] * (si[e] - weightedColumn[e]) : 0.0;
        }
      }
    }
    // dL/dh_k = g_{t,i} dOut behind the ReLU, for the examples whose task uses expert k.
    for (int k = 0; k < experts.length; k++) {
      int owner = k < sharedExperts ? -1 : (k - sharedExperts) / taskExperts;
      int position = owner < 0 ? k : sharedExperts + (k - sharedExperts) % taskExperts;
      double[] gk = selectedGate[position];
      for (int j = 0; j < m; j++) {
        double[] dj = dOut[j];
        double[] hj = hiddenColumns[k * m + j];
        double[] dh = dHiddenColumns[k * m + j];
        if (owner < 0) {
          for (int e = 0; e < n; e++) {
            dh[e] = gk[e] * dj[e] * reluMask(hj[e]);
          }
        } else {
          for (int e = 0; e < n; e++) {
            dh[e] = hj[e] > 0 && rowTask[e] == owner ? gk[e] * dj[e] : 0.0;
          }
        }
      }
    }
    // Parameter gradients: each gate and private expert sees only its task's examples.
    for (int t = 0; t < taskCount; t++) {
      double[] target = gradByTask == null ? grad : gradByTask[t];
      gates[t].backwardWeightsRows(xRows, dGateColumns[t], 0, n, null, -1, target, 0,
          gradByTask == null ? touched : null, scratch);
    }
    for (int k = 0; k < experts.length; k++) {
      int owner = k < sharedExperts ? -1 : (k - sharedExperts) / taskExperts;
      if (gradByTask == null) {
        experts[k].backwardWeightsRows(xRows, dHiddenColumns, k * m, n, null, -1, grad, 0,
            touched, scratch);
      } else if (owner >= 0) {
        experts[k].backwardWeightsRows(xRows, dHiddenColumns, k * m, n, null, -1,
            gradByTask[owner], 0, null, scratch);
      } else {
        for (int t = 0; t < gradByTask.length; t++) {
          experts[k].backwardWeightsRows(xRows, dHiddenColumns, k * m, n, rowTask, t,
              gradByTask[t], 0, null, scratch);
        }
      }
    }
    // Input gradient, per example in the per-example order: its gate, the shared experts, then
    // its own experts (the other tasks' gates and experts add exact zeros).
    for (int t = 0; t < taskCount; t++) {
      gates[t].backwardInputColumns(params, dGateColumns[t], 0, n, dxColumns);
    }
    for (int k = 0; k < experts.length; k++) {
      experts[k].backwardInputColumns(params, dHiddenColumns, k * m, n, dxColumns);
    }
  }

  private void ensureBatchCapacity(int n) {
    if (n <= batchCapacity) {
      return;
    }
    int width = gateWidth();
    hiddenColumns = new double[experts.length * expertSize][n];
    dHiddenColumns = new double[experts.length * expertSize][n];
    selectedGate = new double[width][n];
    dotColumns = new double[width][n];
    weightedColumn = new double[n];
    for (int t = 0; t < taskCount; t++) {
      gateColumns[t] = new double[width][n];
      outputColumns[t] = new double[expertSize][n];
      dGateColumns[t] = new double[width][n];
    }
    batchCapacity = n;
  }

  private void ensurePatchCapacity(int count) {
    if (count <= patchCapacity) {
      return;
    }
    patchInput = new double[inputSize][count];
    patchHidden = new double[experts.length * expertSize][count];
    for (int t = 0; t < taskCount; t++) {
      patchGate[t] = new double[gateWidth()][count];
      patchOutput[t] = new double[expertSize][count];
    }
    patchCapacity = count;
  }

  /**
   * The ReLU's derivative at an output {@code h >= 0} without a branch, so that the loops using it
   * vectorise: 1.0 for {@code h > 0} (even the smallest subnormal times {@code 1e600} exceeds 1),
   * 0.0 for {@code h == 0}. {@code x * reluMask(h)} is then exactly {@code x} behind an active unit
   * and a zero (possibly -0.0) behind an inactive one, where the per-example pass writes +0.0; the
   * two zeros are interchangeable downstream (a zero upstream gradient is skipped or adds an
   * exact zero to accumulators that are never -0.0), so results stay bit-identical for finite
   * gradients (an infinite one times the 0.0 mask would give NaN where the branch gives 0.0).
   */
  private static double reluMask(double h) {
    return Math.min(h * RELU_MASK_SCALE * RELU_MASK_SCALE, 1.0);
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
