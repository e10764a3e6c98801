package io.tandem.model;

import java.util.Arrays;

/**
 * The dense inputs of the last batched {@link MultiTaskModel#predict} whose shared-part
 * activations are still in the shared part's batch buffers, so that a {@link
 * MultiTaskModel#learn} of the same batch right after it (the prequential predict-then-learn
 * step of {@code tandem learn} and of the topology) reuses them instead of running the shared
 * forward again.
 *
 * <p>Why reuse is exact: the batched shared forward of an example is a function of its dense
 * input and the shared parameters only ({@link io.tandem.model.nn.SharedPart#reforwardExamples}).
 * The model {@link #forget}s the kept forward whenever the shared parameters may change (every
 * learning step, a dense import, replica mixing, a test's parameter poke) and whenever another
 * batched forward overwrites the buffers; the inputs themselves are compared bit for bit when the
 * learning step gathers them, which catches everything else that feeds them (an id that got its
 * own embedding row where the prediction read the table's default row, an imported row, the
 * numeric standardiser). Examples whose input changed are recomputed, the others reused.
 *
 * <p>Not thread-safe; owned by one model.
 */
final class KeptForward {

  private double[][] inputs = new double[0][];
  private int kept = -1;
  private long reusedBatches;
  private long recomputedExamples;

  /** Remembers the inputs {@code rows[0..n)} of the batched forward that just ran. */
  void keep(double[][] rows, int n) {
    if (inputs.length < n || (n > 0 && inputs[0].length != rows[0].length)) {
      int width = n == 0 ? 0 : rows[0].length;
      inputs = new double[Math.max(n, inputs.length)][width];
    }
    for (int e = 0; e < n; e++) {
      System.arraycopy(rows[e], 0, inputs[e], 0, rows[e].length);
    }
    kept = n;
  }

  /** Whether a forward of exactly {@code n} examples is kept. */
  boolean holds(int n) {
    return kept == n;
  }

  /** Drops the kept forward: the shared parameters or the batch buffers changed. */
  void forget() {
    kept = -1;
  }

  /**
   * For a learning step over {@code n} examples with inputs {@code rows[0..n)}: the number of
   * examples whose input differs bit for bit from the kept one, their indices written in order
   * to {@code changed} (recompute those, reuse the rest); or -1 (run the whole forward) when no
   * forward of {@code n} examples is kept or more than {@code maxChanged} inputs changed. A
   * non-negative answer is counted as a reuse.
   */
  int changedExamples(double[][] rows, int n, int[] changed, int maxChanged) {
    if (kept != n || n == 0) {
      return -1;
    }
    int count = 0;
    for (int e = 0; e < n; e++) {
      double[] row = rows[e];
      if (!Arrays.equals(row, 0, row.length, inputs[e], 0, row.length)) {
        if (count == maxChanged) {
          return -1;
        }
        changed[count++] = e;
      }
    }
    reusedBatches++;
    recomputedExamples += count;
    return count;
  }

  /** Learning steps that reused a kept forward, wholly or in part. */
  long reusedBatches() {
    return reusedBatches;
  }

  /** Examples recomputed within those steps because their input had changed. */
  long recomputedExamples() {
    return recomputedExamples;
  }
}
