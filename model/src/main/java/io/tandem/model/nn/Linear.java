package io.tandem.model.nn;

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
   * {@code y[yOff..yOff+out) = W x[xOff..xOff+in) + b}. Four output rows are computed together
   * (four independent sums share each load of {@code x}), which runs several times faster than
   * one latency-bound sum per row; the summation order is fixed, so results are deterministic.
   */
  public void forward(double[] params, double[] x, int xOff, double[] y, int yOff) {
    int bias = offset + in * out;
    int o = 0;
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
      for (int i = 0; i < in; i++) {
        grad[growRow + i] += d * x[xOff + i];
      }
      grad[bias + o] += d;
      if (touched != null) {
        touched.mark(growRow, growRow + in);
        touched.mark(bias + o);
      }
      if (dx != null) {
        for (int i = 0; i < in; i++) {
          dx[dxOff + i] += params[row + i] * d;
        }
      }
    }
  }
}
