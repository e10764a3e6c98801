package io.tandem.model.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TaskAffinityTest {

  private static final double TOLERANCE = 1e-9;

  @Test
  void shouldReadZeroBeforeAnyMeasurement() {
    TaskAffinity affinity = new TaskAffinity(2, 3, 0.1);
    assertThat(affinity.affinity(0, 1)).isZero();
    assertThat(affinity.observations(0, 1)).isZero();
  }

  @Test
  void shouldApproachOneForAlignedAndMinusOneForOpposedTasks() {
    // Given three tasks on alternating micro-batches: 0 and 1 push the same way, 2 the opposite
    TaskAffinity affinity = new TaskAffinity(3, 2, 0.2);
    double[][] g = {{1, 1}, {2, 2.2}, {-1, -1.1}};

    // When each task is observed alone, in turn, many times
    for (int i = 0; i < 200; i++) {
      for (int t = 0; t < 3; t++) {
        boolean[] present = new boolean[3];
        present[t] = true;
        affinity.observe(g, present);
      }
    }

    // Then aligned pairs read near 1, opposed pairs near -1
    assertThat(affinity.affinity(0, 1)).isCloseTo(TaskAffinity.cosine(g[0], g[1]),
        within(TOLERANCE));
    assertThat(affinity.affinity(0, 1)).isGreaterThan(0.99);
    assertThat(affinity.affinity(2, 0)).isLessThan(-0.99);
    assertThat(affinity.affinity(1, 2)).isLessThan(-0.99);
  }

  @Test
  void orthogonalGradientsShouldGiveZeroAffinity() {
    TaskAffinity affinity = new TaskAffinity(2, 2, 1.0);
    double[][] g = {{1, 0}, {0, 3}};
    affinity.observe(g, new boolean[] {true, true});
    affinity.observe(g, new boolean[] {true, true});
    assertThat(affinity.affinity(0, 1)).isCloseTo(0.0, within(TOLERANCE));
    assertThat(affinity.observations(0, 1)).isEqualTo(1);
  }
}
