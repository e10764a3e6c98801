package io.tandem.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of both shared parts, their gates and the tower: for a random linear
 * read-out {@code L = c . output(task)}, backward must equal central differences on every
 * parameter and every input coordinate.
 */
class SharedPartGradientTest {

  private static final double TOLERANCE = 1e-6;

  @Test
  void sharedBottomBackwardShouldMatchFiniteDifferences() {
    checkGradients(new SharedBottom(6, List.of(5, 4)), 0, 11);
  }

  @Test
  void mmoeBackwardShouldMatchFiniteDifferencesForEveryTaskGate() {
    checkGradients(new Mmoe(6, 3, 4, 2), 0, 12);
    checkGradients(new Mmoe(6, 3, 4, 2), 1, 13);
  }

  @Test
  void mmoeGatesShouldBeDistributions() {
    // Given an MMoE with random parameters and a random input
    Mmoe mmoe = new Mmoe(5, 4, 3, 2);
    SplittableRandom random = new SplittableRandom(3);
    double[] p = random.doubles(mmoe.parameterCount(), -2, 2).toArray();

    // When
    mmoe.forward(p, random.doubles(5, -3, 3).toArray());

    // Then each task's gate is positive and sums to 1
    for (int t = 0; t < 2; t++) {
      double sum = 0;
      for (double g : mmoe.gate(t)) {
        assertThat(g).isPositive();
        sum += g;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void softmaxShouldNotOverflowOnLargeLogits() {
    double[] z = {1000, 1000, -1000};
    Mmoe.softmaxInPlace(z);
    assertThat(z).containsExactly(new double[] {0.5, 0.5, 0.0}, within(1e-12));
  }

  @Test
  void towerBackwardShouldMatchFiniteDifferences() {
    // Given a tower at offset 4 with random weights and biases
    Tower tower = new Tower(4, 5, 6);
    SplittableRandom random = new SplittableRandom(5);
    double[] p = new double[tower.end()];
    for (int i = tower.offset(); i < tower.end(); i++) {
      p[i] = random.nextDouble() * 2 - 1;
    }
    double[] x = random.doubles(5, -1, 1).toArray();
    DoubleSupplier loss = () -> tower.forward(p, x);

    // When dL/dz = 1 is backpropagated
    tower.forward(p, x);
    double[] grad = new double[p.length];
    double[] dx = new double[5];
    tower.backward(p, x, 1.0, grad, 0, null, dx);

    // Then
    for (int i = tower.offset(); i < tower.end(); i++) {
      assertThat(NumericGradient.relativeError(grad[i], NumericGradient.at(p, i, loss)))
          .as("parameter %d", i).isLessThan(TOLERANCE);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(NumericGradient.relativeError(dx[i], NumericGradient.at(x, i, loss)))
          .as("input %d", i).isLessThan(TOLERANCE);
    }
  }

  private static void checkGradients(SharedPart part, int task, long seed) {
    // Given random parameters (biases too, so ReLUs sit away from their kinks with high
    // probability) and a random read-out c
    SplittableRandom random = new SplittableRandom(seed);
    double[] p = random.doubles(part.parameterCount(), -1, 1).toArray();
    double[] x = random.doubles(part.inputSize(), -1, 1).toArray();
    double[] c = random.doubles(part.outputSize(), -1, 1).toArray();
    DoubleSupplier loss = () -> {
      part.forward(p, x);
      double[] out = part.output(task);
      double l = 0;
      for (int i = 0; i < out.length; i++) {
        l += c[i] * out[i];
      }
      return l;
    };

    // When
    part.forward(p, x);
    double[] grad = new double[p.length];
    double[] dx = new double[x.length];
    part.backward(p, x, task, c, grad, 0, null, dx);

    // Then every parameter and input coordinate agrees with central differences
    for (int i = 0; i < p.length; i++) {
      assertThat(NumericGradient.relativeError(grad[i], NumericGradient.at(p, i, loss)))
          .as("parameter %d", i).isLessThan(TOLERANCE);
    }
    for (int i = 0; i < x.length; i++) {
      assertThat(NumericGradient.relativeError(dx[i], NumericGradient.at(x, i, loss)))
          .as("input %d", i).isLessThan(TOLERANCE);
    }
  }
}
