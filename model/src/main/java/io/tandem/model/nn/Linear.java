package io.tandem.model.nn;

import io.tandem.model.optim.RankOneUpdate;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fully connected layer {@code y = W x + b} whose parameters live in a caller-owned flat
 * {@code double[]}: {@code W} row-major ({@code out} rows of {@code in}) at {@link #offset()},
 * then {@code b}. The layer object only knows the layout; it holds no parameters or buffers, so
 * one instance serves any parameter array and is thread-safe.
 *
 * <p>Backward, for an upstream gradient {@code dy}: {@code dW += dy x^T}, {@code db += dy},
 * {@code dx += W^T dy}. Output units with {@code dy[o] == 0} (e.g. behind an inactive ReLU)
 * are skipped, which saves most of the work behind sparse activations.
 */
public final class Linear {

  private final int offset;
  private final int in;
  private final int out;

  /**
   * @param offset index of the first parameter in the flat array
   * @param in input width, &gt;= 1
   * @param out output width, &gt;= 1
   */
  public Linear(int offset, int in, int out) {
    if (offset < 0 || in < 1 || out < 1) {
      throw new IllegalArgumentException("linear layer: offset " + offset + ", in " + in
          + ", out " + out + " (need offset >= 0, in >= 1, out >= 1)");
    }
    this.offset = offset;
    this.in = in;
    this.out = out;
  }

  /** Index of the first parameter. */
  public int offset() {
    return offset;
  }

  /** Input width. */
  public int in() {
    return in;
  }

  /** Output width. */
  public int out() {
    return out;
  }

  /** Number of parameters: {@code in * out + out}. */
  public int parameterCount() {
    return in * out + out;
  }

  /** Index one past the last parameter. */
  public int end() {
    return offset + parameterCount();
  }

  /** Draws weights uniformly from {@code [-bound, bound]}; biases are set to zero. */
  public void initInPlace(double[] params, SplittableRandom random, double bound) {
    int w = in * out;
    for (int i = 0; i < w; i++) {
      params[offset + i] = (2 * random.nextDouble() - 1) * bound;
    }
    for (int o = 0; o < out; o++) {
      params[offset + w + o] = 0.0;
    }
  }

  /** He-uniform bound for a layer followed by a ReLU: {@code sqrt(6 / in)}. */
  public double heBound() {
    return Math.sqrt(6.0 / in);
  }

  /**
   * {@code y[yOff..yOff+out) = W x[xOff..xOff+in) + b}. Eight output rows are computed together
   * (eight independent sums share each load of {@code x}; with four, the sums' add latency bounds
   * the loop: the reference expert layer, 96 to 64, took 1.49-1.53 µs with four and 1.19-1.23 µs
   * with eight, best of 40 rounds), then four, then one at a time; each sum runs over the inputs
   * in index order and the bias is added last, so results are deterministic and do not depend on
   * the blocking.
   */
  public void forward(double[] params, double[] x, int xOff, double[] y, int yOff) {
    int bias = offset + in * out;
    int o = 0;
    for (; o + 7 < out; o += 8) {
      int r0 = offset + o * in;
      int r1 = r0 + in;
      int r2 = r1 + in;
      int r3 = r2 + in;
      int r4 = r3 + in;
      int r5 = r4 + in;
      int r6 = r5 + in;
      int r7 = r6 + in;
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      double s4 = 0;
      double s5 = 0;
      double s6 = 0;
      double s7 = 0;
      for (int i = 0; i < in; i++) {
        double xi = x[xOff + i];
        s0 += params[r0 + i] * xi;
        s1 += params[r1 + i] * xi;
        s2 += params[r2 + i] * xi;
        s3 += params[r3 + i] * xi;
        s4 += params[r4 + i] * xi;
        s5 += params[r5 + i] * xi;
        s6 += params[r6 + i] * xi;
        s7 += params[r7 + i] * xi;
      }
      y[yOff + o] = params[bias + o] + s0;
      y[yOff + o + 1] = params[bias + o + 1] + s1;
      y[yOff + o + 2] = params[bias + o + 2] + s2;
      y[yOff + o + 3] = params[bias + o + 3] + s3;
      y[yOff + o + 4] = params[bias + o + 4] + s4;
      y[yOff + o + 5] = params[bias + o + 5] + s5;
      y[yOff + o + 6] = params[bias + o + 6] + s6;
      y[yOff + o + 7] = params[bias + o + 7] + s7;
    }
    for (; o + 3 < out; o += 4) {
      int r0 = offset + o * in;
      int r1 = r0 + in;
      int r2 = r1 + in;
      int r3 = r2 + in;
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      for (int i = 0; i < in; i++) {
        double xi = x[xOff + i];
        s0 += params[r0 + i] * xi;
        s1 += params[r1 + i] * xi;
        s2 += params[r2 + i] * xi;
        s3 += params[r3 + i] * xi;
      }
      y[yOff + o] = params[bias + o] + s0;
      y[yOff + o + 1] = params[bias + o + 1] + s1;
      y[yOff + o + 2] = params[bias + o + 2] + s2;
      y[yOff + o + 3] = params[bias + o + 3] + s3;
    }
    for (; o < out; o++) {
      int row = offset + o * in;
      double s = 0;
      for (int i = 0; i < in; i++) {
        s += params[row + i] * x[xOff + i];
      }
      y[yOff + o] = params[bias + o] + s;
    }
  }

  /**
   * Accumulates the parameter gradient into {@code grad} (parameter {@code p} at
   * {@code grad[p - gradShift]}) and, when {@code dx} is not null, adds {@code W^T dy} into
   * {@code dx[dxOff..dxOff+in)}. When {@code touched} is not null, the gradient entries written
   * are marked in it.
   */
  public void backward(double[] params, double[] x, int xOff, double[] dy, int dyOff,
      double[] grad, int gradShift, TouchedBlocks touched, double[] dx, int dxOff) {
    int bias = offset + in * out - gradShift;
    for (int o = 0; o < out; o++) {
      double d = dy[dyOff + o];
      if (d == 0.0) {
        continue;
      }
      int row = offset + o * in;
      int growRow = row - gradShift;
      if (dx != null) {
        for (int i = 0; i < in; i++) {
          grad[growRow + i] += d * x[xOff + i];
          dx[dxOff + i] += params[row + i] * d;
        }
      } else {
        for (int i = 0; i < in; i++) {
          grad[growRow + i] += d * x[xOff + i];
        }
      }
      grad[bias + o] += d;
      if (touched != null) {
        touched.mark(growRow, growRow + in);
        touched.mark(bias + o);
      }
    }
  }

  /**
   * {@link #backward} with the optimizer step fused in, for a step in which this layer sees one
   * example with one upstream gradient (every parameter's gradient is then the single product
   * {@code dy[o] x[i]} or {@code dy[o]}): for each output with a non-zero upstream gradient, in
   * index order, {@code update} adds {@code W[o]^T dy[o]} into {@code dx} from the weights
   * before the step and steps the row (rows with {@code dy[o] == 0} are skipped, as in
   * {@link #backward}); then the biases are stepped as one row with gradient {@code dy} (a zero
   * entry is an exact no-op, and one vectorised pass over the biases cost less than one scalar
   * step per active output: 22.4k vs 21.5k events per CPU-second on the reference MMoE at batch
   * 1, builds alternating in one JVM, load 7-8). Parameters, optimizer state and {@code dx} are
   * bit-identical to {@link #backward} into a zeroed gradient followed by the optimizer's
   * {@code updateDenseAndClearInPlace} over the written entries.
   *
   * @param x the input, at {@code [0, in())} (no offset: see {@link RankOneUpdate#stepRow})
   * @param dy the upstream gradient, at {@code [0, out())}
   * @param update the fused step, bound to the optimizer state of {@code params}
   * @param dx receives {@code W^T dy} at {@code [0, in())} (accumulated) when not null
   */
  public void backwardStep(double[] params, double[] x, double[] dy, RankOneUpdate update,
      double[] dx) {
    for (int o = 0; o < out; o++) {
      double d = dy[o];
      if (d != 0.0) {
        update.stepRow(params, offset + o * in, in, d, x, dx);
      }
    }
    update.stepRow(params, offset + in * out, out, 1.0, dy, null);
  }

  // ------------------------------------------------------------------ batched kernels
  //
  // A batch of n examples is held "by columns": one array per value index, example e at [e] (a
  // column matrix {@code c[i][e]}), so the innermost loops run over examples with every array
  // indexed alike, the loop shape the JIT vectorises. Each output or gradient entry still sums its
  // terms in exactly the order of the per-example methods above (inputs in index order for
  // forward; examples in batch order for the weight gradient; outputs in index order for the
  // input gradient), so the results are bit-identical to calling those methods once per example.
  // Examples are processed in chunks of COLUMN_CHUNK so that a chunk of a column matrix stays in
  // the L1 cache while the weights stream past it.

  /** Examples per chunk of the batched kernels. */
  static final int COLUMN_CHUNK = 64;
  /**
   * Examples per chunk of {@link #backwardWeightsRows}: each gradient row is copied in and out
   * once per chunk. 128 beat 32 and 64 by ~5% (CPU time, reference MMoE at batch 256) although
   * its input rows no longer fit in L1.
   */
  static final int ROW_CHUNK = 128;

  /**
   * Working memory for {@link #backwardWeightsRows}, owned by the caller so the kernel allocates
   * nothing: one gradient row of up to {@code width} values and one chunk of example indices.
   * Not thread-safe.
   */
  public static final class Scratch {
    private final double[] row;
    private final int[] active = new int[ROW_CHUNK];

    /** @param width the widest layer input it will serve */
    public Scratch(int width) {
      this.row = new double[width];
    }
  }

  /**
   * Batched {@link #forward} of the examples {@code e < n}: {@code y[yRow + o][e] = b[o] +
   * sum_i W[o][i] x[i][e]}, then, when {@code relu}, negative outputs set to 0 (as the per-example
   * callers do after {@link #forward}: {@code y < 0 ? 0 : y}, so -0.0 and NaN pass unchanged).
   *
   * <p>Register blocking: two outputs and four inputs per pass over a chunk, so each load of an
   * input column feeds two outputs and each load and store of an output eight products (measured
   * in CPU time on the reference expert layer, 96 to 64, 64-256 examples: 1.25-1.3x the
   * one-output form). Within an output the inputs are still added left to right
   * ({@code ((((y + w0 x0) + w1 x1) + w2 x2) + w3 x3)}: the same order as one at a time).
   */
  public void forwardColumns(double[] params, double[][] x, int n, double[][] y, int yRow,
      boolean relu) {
    for (int e0 = 0; e0 < n; e0 += COLUMN_CHUNK) {
      int e1 = Math.min(n, e0 + COLUMN_CHUNK);
      int o = 0;
      for (; o + 1 < out; o += 2) {
        forwardTwoOutputs(params, x, e0, e1, y[yRow + o], y[yRow + o + 1], o);
        finishOutput(params, y[yRow + o], o, e0, e1, relu);
        finishOutput(params, y[yRow + o + 1], o + 1, e0, e1, relu);
      }
      if (o < out) {
        forwardOneOutput(params, x, e0, e1, y[yRow + o], o);
        finishOutput(params, y[yRow + o], o, e0, e1, relu);
      }
    }
  }

  /** {@code ya, yb[e0..e1) = sum_i W[o][i] x[i][e], sum_i W[o+1][i] x[i][e]}, inputs in order. */
  private void forwardTwoOutputs(double[] params, double[][] x, int e0, int e1, double[] ya,
      double[] yb, int o) {
    Arrays.fill(ya, e0, e1, 0.0);
    Arrays.fill(yb, e0, e1, 0.0);
    int ra = offset + o * in;
    int rb = ra + in;
    int i = 0;
    for (; i + 3 < in; i += 4) {
      double a0 = params[ra + i];
      double a1 = params[ra + i + 1];
      double a2 = params[ra + i + 2];
      double a3 = params[ra + i + 3];
      double b0 = params[rb + i];
      double b1 = params[rb + i + 1];
      double b2 = params[rb + i + 2];
      double b3 = params[rb + i + 3];
      double[] x0 = x[i];
      double[] x1 = x[i + 1];
      double[] x2 = x[i + 2];
      double[] x3 = x[i + 3];
      for (int e = e0; e < e1; e++) {
        double v0 = x0[e];
        double v1 = x1[e];
        double v2 = x2[e];
        double v3 = x3[e];
        ya[e] = ya[e] + a0 * v0 + a1 * v1 + a2 * v2 + a3 * v3;
        yb[e] = yb[e] + b0 * v0 + b1 * v1 + b2 * v2 + b3 * v3;
      }
    }
    for (; i < in; i++) {
      double a = params[ra + i];
      double b = params[rb + i];
      double[] xi = x[i];
      for (int e = e0; e < e1; e++) {
        double v = xi[e];
        ya[e] += a * v;
        yb[e] += b * v;
      }
    }
  }

  /** {@code yo[e0..e1) = sum_i W[o][i] x[i][e]}, inputs in order, four per pass. */
  private void forwardOneOutput(double[] params, double[][] x, int e0, int e1, double[] yo,
      int o) {
    Arrays.fill(yo, e0, e1, 0.0);
    int row = offset + o * in;
    int i = 0;
    for (; i + 3 < in; i += 4) {
      double w0 = params[row + i];
      double w1 = params[row + i + 1];
      double w2 = params[row + i + 2];
      double w3 = params[row + i + 3];
      double[] x0 = x[i];
      double[] x1 = x[i + 1];
      double[] x2 = x[i + 2];
      double[] x3 = x[i + 3];
      for (int e = e0; e < e1; e++) {
        yo[e] = yo[e] + w0 * x0[e] + w1 * x1[e] + w2 * x2[e] + w3 * x3[e];
      }
    }
    for (; i < in; i++) {
      double w = params[row + i];
      double[] xi = x[i];
      for (int e = e0; e < e1; e++) {
        yo[e] += w * xi[e];
      }
    }
  }

  /**
   * Adds output {@code o}'s bias ({@code b + sum}, the per-example order) and the ReLU. The ReLU is
   * written {@code Math.max(v, 0.0)}, which the JIT vectorises (the conditional form it does not:
   * ~4x slower here). It equals the per-example {@code v < 0 ? 0 : v} bit for bit because
   * {@code v} is never -0.0: the sum starts from +0.0, and an IEEE sum is -0.0 only when both
   * terms are; NaN stays NaN in both forms.
   */
  private void finishOutput(double[] params, double[] yo, int o, int e0, int e1, boolean relu) {
    double b = params[offset + in * out + o];
    if (relu) {
      for (int e = e0; e < e1; e++) {
        yo[e] = Math.max(b + yo[e], 0.0);
      }
    } else {
      for (int e = e0; e < e1; e++) {
        yo[e] = b + yo[e];
      }
    }
  }

  /**
   * Batched parameter gradient of {@link #backward}: adds {@code dy_e x_e^T} and {@code dy_e} for
   * the examples {@code e < n} in batch order, where {@code dy_e[o] = dy[dyRow + o][e]} and
   * {@code x_e = x[e]} (row-major). When {@code rowTask} is not null only the examples with
   * {@code rowTask[e] == task} contribute. Entries with a zero upstream gradient are skipped, as
   * in {@link #backward}. Each gradient row is accumulated in a scratch copy, four examples per
   * pass, left to right (the same order as one at a time), a chunk of examples at a time.
   * {@code scratch} must hold rows of at least {@link #in()} values.
   */
  public void backwardWeightsRows(double[][] x, double[][] dy, int dyRow, int n, int[] rowTask,
      int task, double[] grad, int gradShift, TouchedBlocks touched, Scratch scratch) {
    int bias = offset + in * out - gradShift;
    double[] g = scratch.row;
    int[] active = scratch.active;
    for (int e0 = 0; e0 < n; e0 += ROW_CHUNK) {
      int e1 = Math.min(n, e0 + ROW_CHUNK);
      for (int o = 0; o < out; o++) {
        double[] dyo = dy[dyRow + o];
        int count = 0;
        for (int e = e0; e < e1; e++) {
          if (dyo[e] != 0.0 && (rowTask == null || rowTask[e] == task)) {
            active[count++] = e;
          }
        }
        if (count == 0) {
          continue;
        }
        int growRow = offset + o * in - gradShift;
        System.arraycopy(grad, growRow, g, 0, in);
        int a = 0;
        for (; a + 3 < count; a += 4) {
          double d0 = dyo[active[a]];
          double d1 = dyo[active[a + 1]];
          double d2 = dyo[active[a + 2]];
          double d3 = dyo[active[a + 3]];
          double[] x0 = x[active[a]];
          double[] x1 = x[active[a + 1]];
          double[] x2 = x[active[a + 2]];
          double[] x3 = x[active[a + 3]];
          for (int i = 0; i < in; i++) {
            g[i] = g[i] + d0 * x0[i] + d1 * x1[i] + d2 * x2[i] + d3 * x3[i];
          }
        }
        for (; a < count; a++) {
          double d = dyo[active[a]];
          double[] xe = x[active[a]];
          for (int i = 0; i < in; i++) {
            g[i] += d * xe[i];
          }
        }
        System.arraycopy(g, 0, grad, growRow, in);
        double b = grad[bias + o];
        for (a = 0; a < count; a++) {
          b += dyo[active[a]];
        }
        grad[bias + o] = b;
        if (touched != null) {
          touched.mark(growRow, growRow + in);
          touched.mark(bias + o);
        }
      }
    }
  }

  /**
   * Batched input gradient of {@link #backward}: {@code dx[i][e] += sum_o W[o][i] dy[dyRow +
   * o][e]}, the outputs added in index order, four per pass, into two inputs at a time (each
   * load of the four upstream columns feeds both). Groups of four outputs whose upstream
   * gradient is zero for a whole chunk of examples are skipped; elsewhere a zero upstream gradient
   * adds an exact zero, which leaves the accumulator (never a negative zero) unchanged for finite
   * weights.
   */
  public void backwardInputColumns(double[] params, double[][] dy, int dyRow, int n,
      double[][] dx) {
    for (int e0 = 0; e0 < n; e0 += COLUMN_CHUNK) {
      int e1 = Math.min(n, e0 + COLUMN_CHUNK);
      int o = 0;
      for (; o + 3 < out; o += 4) {
        double[] d0 = dy[dyRow + o];
        double[] d1 = dy[dyRow + o + 1];
        double[] d2 = dy[dyRow + o + 2];
        double[] d3 = dy[dyRow + o + 3];
        if (allZero(d0, e0, e1) && allZero(d1, e0, e1) && allZero(d2, e0, e1)
            && allZero(d3, e0, e1)) {
          continue;
        }
        int r0 = offset + o * in;
        int r1 = r0 + in;
        int r2 = r1 + in;
        int r3 = r2 + in;
        int i = 0;
        for (; i + 1 < in; i += 2) {
          double a0 = params[r0 + i];
          double a1 = params[r1 + i];
          double a2 = params[r2 + i];
          double a3 = params[r3 + i];
          double b0 = params[r0 + i + 1];
          double b1 = params[r1 + i + 1];
          double b2 = params[r2 + i + 1];
          double b3 = params[r3 + i + 1];
          double[] dxa = dx[i];
          double[] dxb = dx[i + 1];
          for (int e = e0; e < e1; e++) {
            double g0 = d0[e];
            double g1 = d1[e];
            double g2 = d2[e];
            double g3 = d3[e];
            dxa[e] = dxa[e] + a0 * g0 + a1 * g1 + a2 * g2 + a3 * g3;
            dxb[e] = dxb[e] + b0 * g0 + b1 * g1 + b2 * g2 + b3 * g3;
          }
        }
        if (i < in) {
          double w0 = params[r0 + i];
          double w1 = params[r1 + i];
          double w2 = params[r2 + i];
          double w3 = params[r3 + i];
          double[] dxi = dx[i];
          for (int e = e0; e < e1; e++) {
            dxi[e] = dxi[e] + w0 * d0[e] + w1 * d1[e] + w2 * d2[e] + w3 * d3[e];
          }
        }
      }
      for (; o < out; o++) {
        double[] dyo = dy[dyRow + o];
        if (allZero(dyo, e0, e1)) {
          continue;
        }
        int row = offset + o * in;
        for (int i = 0; i < in; i++) {
          double w = params[row + i];
          double[] dxi = dx[i];
          for (int e = e0; e < e1; e++) {
            dxi[e] += w * dyo[e];
          }
        }
      }
    }
  }

  private static boolean allZero(double[] values, int from, int to) {
    for (int e = from; e < to; e++) {
      if (values[e] != 0.0) {
        return false;
      }
    }
    return true;
  }
}
