package io.tandem.model.optim;

/**
 * {@link Adagrad}'s step fused into backpropagation ({@link RankOneUpdate}): for a row with
 * upstream gradient {@code d} and input {@code x}, per entry {@code g = 0.0 + d x_i},
 * {@code dx_i += w_i d}, {@code s_i += g^2}, {@code w_i -= rate g / (sqrt(s_i) + EPSILON)} — the
 * same operations, in the same order per entry, as accumulating {@code d x_i} into a zeroed
 * gradient and then calling {@link Adagrad#updateDenseAndClearInPlace}, hence bit-identical.
 *
 * <p>The row's weights and state are copied into scratch rows indexed from 0 (two bulk copies in,
 * two out) and the loop runs over the scratch rows, the input and the input gradient, all indexed
 * alike, the shape Java 17's C2 vectorises (square root and division included); a loop that stores
 * into the parameter array at the row's offset while reading the input at another ran 2-3x slower
 * (presumably not vectorised, as C2 cannot rule out that the arrays alias; the generated code was
 * not inspected).
 * Measured on four 96-to-64 expert layers, half the rows active, in one JVM, alternating rounds of
 * CPU time (load 6-8): 1.37-1.44x the unfused backward plus Adagrad pass; the same loop without
 * the copies ran at 0.65-0.70x, split into an input-gradient loop and an update loop 1.24x, and
 * reading the input at an offset 0.54x (hence no offsets in {@link RankOneUpdate#stepRow}).
 *
 * <p>Bound to one state array and one rate; keeps scratch rows, grown on demand: not
 * thread-safe.
 */
final class AdagradRankOneUpdate implements RankOneUpdate {

  private final double[] state;
  private final double rate;
  private double[] weightRow = new double[0];
  private double[] stateRow = new double[0];

  /**
   * @param state Adagrad's accumulators, one per dense parameter, at the parameter's index
   * @param rate the learning rate of every parameter this instance steps
   */
  AdagradRankOneUpdate(double[] state, double rate) {
    this.state = state;
    this.rate = rate;
  }

  @Override
  public void stepRow(double[] w, int from, int n, double d, double[] x, double[] dx) {
    if (n > weightRow.length) {
      weightRow = new double[n];
      stateRow = new double[n];
    }
    double[] wr = weightRow;
    double[] sr = stateRow;
    System.arraycopy(w, from, wr, 0, n);
    System.arraycopy(state, from, sr, 0, n);
    if (dx != null) {
      for (int i = 0; i < n; i++) {
        double wi = wr[i];
        dx[i] += wi * d;
        double g = 0.0 + d * x[i];
        double s = sr[i] + g * g;
        sr[i] = s;
        wr[i] = wi - rate * g / (Math.sqrt(s) + Adagrad.EPSILON);
      }
    } else {
      for (int i = 0; i < n; i++) {
        double g = 0.0 + d * x[i];
        double s = sr[i] + g * g;
        sr[i] = s;
        wr[i] -= rate * g / (Math.sqrt(s) + Adagrad.EPSILON);
      }
    }
    System.arraycopy(wr, 0, w, from, n);
    System.arraycopy(sr, 0, state, from, n);
  }
}
