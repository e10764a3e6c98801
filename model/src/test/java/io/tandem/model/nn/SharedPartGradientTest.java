package io.tandem.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of the three shared parts, their gates and the tower (with and without
 * its wide input): for a random linear
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
    checkGradients(new Cgc(6, 3, 0, 4, 2), 0, 12);
    checkGradients(new Cgc(6, 3, 0, 4, 2), 1, 13);
  }

  @Test
  void mmoeGatesShouldBeDistributions() {
    // Given an MMoE with random parameters and a random input
    Cgc mmoe = new Cgc(5, 4, 0, 3, 2);
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
  void cgcBackwardShouldMatchFiniteDifferencesForEveryTaskGate() {
    checkGradients(new Cgc(6, 2, 2, 4, 2), 0, 14);
    checkGradients(new Cgc(6, 2, 2, 4, 2), 1, 15);
    checkGradients(new Cgc(5, 1, 3, 3, 3), 2, 16);
  }

  @Test
  void cgcGatesShouldBeDistributionsOverTheSharedAndTheTasksOwnExperts() {
    // Given a CGC with 3 shared and 2 private experts per task, random parameters and input
    Cgc cgc = new Cgc(5, 3, 2, 4, 2);
    SplittableRandom random = new SplittableRandom(4);
    double[] p = random.doubles(cgc.parameterCount(), -2, 2).toArray();

    // When
    cgc.forward(p, random.doubles(5, -3, 3).toArray());

    // Then each task's gate has one weight per shared and own expert, positive, summing to 1
    for (int t = 0; t < 2; t++) {
      assertThat(cgc.gate(t)).hasSize(5);
      double sum = 0;
      for (double g : cgc.gate(t)) {
        assertThat(g).isPositive();
        sum += g;
      }
      assertThat(sum).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void cgcPrivateExpertsShouldLearnOnlyFromTheirOwnTask() {
    // Given a CGC (input 4, 1 shared and 1 private expert per task of width 3, 2 tasks) whose
    // layout is [shared expert | task 0's expert, gate 0 | task 1's expert, gate 1]; an expert
    // has 4 * 3 + 3 = 15 parameters, a gate 4 * 2 + 2 = 10
    Cgc cgc = new Cgc(4, 1, 1, 3, 2);
    int expert = 15;
    int gate = 10;
    int task1Expert = expert + expert + gate;
    SplittableRandom random = new SplittableRandom(9);
    double[] p = random.doubles(cgc.parameterCount(), -1, 1).toArray();
    double[] x = random.doubles(4, 0.5, 1.5).toArray();

    // When only task 0's output gets a gradient
    cgc.forward(p, x);
    double[] grad = new double[p.length];
    cgc.backward(p, x, 0, new double[] {1, -1, 0.5}, grad, 0, null, new double[4]);

    // Then task 1's private expert and gate get exactly nothing, task 0's private expert does
    assertThat(cgc.parameterCount()).isEqualTo(task1Expert + expert + gate);
    for (int i = task1Expert; i < p.length; i++) {
      assertThat(grad[i]).as("task 1 parameter %d", i).isZero();
    }
    double own = 0;
    for (int i = expert; i < 2 * expert; i++) {
      own += Math.abs(grad[i]);
    }
    assertThat(own).isPositive();
  }

  @Test
  void towerWithAWideInputShouldMatchFiniteDifferences() {
    // Given a tower at offset 4 reading a representation of 5 and a wide input of 3 values
    // (at offset 2 of a longer array), random weights and biases
    Tower tower = new Tower(4, 5, 6, 3);
    SplittableRandom random = new SplittableRandom(6);
    double[] p = new double[tower.end()];
    for (int i = tower.offset(); i < tower.end(); i++) {
      p[i] = random.nextDouble() * 2 - 1;
    }
    double[] x = random.doubles(5, -1, 1).toArray();
    double[] wide = random.doubles(7, -1, 1).toArray();
    DoubleSupplier loss = () -> tower.forward(p, x, wide, 2);

    // When dL/dz = 1 is backpropagated
    tower.forward(p, x, wide, 2);
    double[] grad = new double[p.length];
    double[] dx = new double[5];
    double[] dWide = new double[7];
    tower.backward(p, x, 1.0, grad, 0, null, dx, wide, 2, dWide);

    // Then parameters (the wide weights first), the representation and the wide input agree
    // with central differences, and the wide input outside its slice gets nothing
    assertThat(tower.wideEnd()).isEqualTo(tower.offset() + 3);
    for (int i = tower.offset(); i < tower.end(); i++) {
      assertThat(NumericGradient.relativeError(grad[i], NumericGradient.at(p, i, loss)))
          .as("parameter %d", i).isLessThan(TOLERANCE);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(NumericGradient.relativeError(dx[i], NumericGradient.at(x, i, loss)))
          .as("input %d", i).isLessThan(TOLERANCE);
    }
    for (int i = 2; i < 5; i++) {
      assertThat(NumericGradient.relativeError(dWide[i], NumericGradient.at(wide, i, loss)))
          .as("wide input %d", i).isLessThan(TOLERANCE);
    }
    assertThat(dWide[0]).isZero();
    assertThat(dWide[6]).isZero();
  }

  @Test
  void softmaxShouldNotOverflowOnLargeLogits() {
    double[] z = {1000, 1000, -1000};
    Cgc.softmaxInPlace(z);
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
