package io.tandem.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedPart#reforwardExamples}: after a batched forward, recomputing the examples whose
 * inputs changed must leave exactly (bit for bit) the activations a fresh batched forward over
 * the new inputs computes, for every task's representation, whatever the changed examples'
 * columns.
 */
class ReforwardTest {

  private static final int N = 70;

  @Test
  void mmoeReforwardShouldEqualAFreshForward() {
    assertReforwardEqualsFreshForward(new Cgc(7, 3, 0, 5, 2), new Cgc(7, 3, 0, 5, 2), 2);
  }

  @Test
  void cgcReforwardShouldEqualAFreshForward() {
    assertReforwardEqualsFreshForward(new Cgc(7, 2, 2, 5, 3), new Cgc(7, 2, 2, 5, 3), 3);
  }

  @Test
  void sharedBottomReforwardShouldEqualAFreshForward() {
    assertReforwardEqualsFreshForward(new SharedBottom(7, List.of(6, 5)),
        new SharedBottom(7, List.of(6, 5)), 1);
  }

  private static void assertReforwardEqualsFreshForward(SharedPart patched, SharedPart fresh,
      int tasks) {
    // Given random parameters and a batch of N inputs, forwarded by the part to be patched
    SplittableRandom random = new SplittableRandom(23);
    double[] params = new double[patched.parameterCount()];
    patched.initInPlace(params, random);
    int width = patched.inputSize();
    double[][] x = new double[width][N];
    for (double[] column : x) {
      for (int e = 0; e < N; e++) {
        column[e] = random.nextDouble(-2, 2);
      }
    }
    patched.forwardBatch(params, x, N);

    // When the inputs of a few scattered examples change and only those are recomputed
    int[] changed = {0, 9, 10, 41, N - 1};
    for (int e : changed) {
      for (double[] column : x) {
        column[e] = random.nextDouble(-2, 2);
      }
    }
    patched.reforwardExamples(params, x, changed, changed.length);
    fresh.forwardBatch(params, x, N);

    // Then every example's representation for every task equals the fresh forward's
    double[] a = new double[patched.outputSize()];
    double[] b = new double[fresh.outputSize()];
    for (int t = 0; t < tasks; t++) {
      for (int e = 0; e < N; e++) {
        patched.batchOutput(t, e, a);
        fresh.batchOutput(t, e, b);
        assertThat(a).as("task %d example %d", t, e).containsExactly(b);
      }
    }
  }
}
