package io.tandem.model.weighting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PcGradTest {

  private static final double TOLERANCE = 1e-12;

  @Test
  void shouldProjectConflictingGradientsOntoEachOthersNormalPlane() {
    // Given g0 = (1, 0) and g1 = (-1, 1): g0 . g1 = -1 < 0, a conflict
    double[][] g = {{1, 0}, {-1, 1}};
    double[] out = new double[2];

    // When
    int conflicts = new PcGrad(2).combineInto(g, new boolean[] {true, true}, out);

    // Then p0 = g0 - (g0.g1/|g1|^2) g1 = (0.5, 0.5) and p1 = g1 - (g1.g0/|g0|^2) g0 = (0, 1),
    // each orthogonal to the other task's gradient; the sum is (0.5, 1.5)
    assertThat(conflicts).isEqualTo(2);
    assertThat(out).containsExactly(new double[] {0.5, 1.5}, within(TOLERANCE));
  }

  @Test
  void shouldSumAgreeingGradientsUnchanged() {
    double[][] g = {{1, 2}, {3, 0.5}};
    double[] out = new double[2];
    int conflicts = new PcGrad(2).combineInto(g, new boolean[] {true, true}, out);
    assertThat(conflicts).isZero();
    assertThat(out).containsExactly(new double[] {4, 2.5}, within(TOLERANCE));
  }

  @Test
  void shouldIgnoreAbsentTasks() {
    double[][] g = {{1, 0}, {-5, 5}};
    double[] out = new double[2];
    new PcGrad(2).combineInto(g, new boolean[] {true, false}, out);
    assertThat(out).containsExactly(new double[] {1, 0}, within(TOLERANCE));
  }
}
