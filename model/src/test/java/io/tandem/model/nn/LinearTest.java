package io.tandem.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearTest {

  private static final double TOLERANCE = 1e-7;

  @Test
  void shouldComputeAffineMapWithBlockedRows() {
    // Given a 2-in, 3-out layer at offset 1: six weights row-major, then three biases
    Linear layer = new Linear(1, 2, 3);
    double[] p = {99, 1, 2, 3, 4, 5, 6, 0.5, -0.5, 1.5};
    double[] y = new double[3];

    // When
    layer.forward(p, new double[] {10, 100}, 0, y, 0);

    // Then each row is w . x + b
    assertThat(y[0]).isCloseTo(1 * 10 + 2 * 100 + 0.5, within(TOLERANCE));
    assertThat(y[1]).isCloseTo(3 * 10 + 4 * 100 - 0.5, within(TOLERANCE));
    assertThat(y[2]).isCloseTo(5 * 10 + 6 * 100 + 1.5, within(TOLERANCE));
  }

  @Test
  void shouldMatchFiniteDifferencesForParametersAndInput() {
    // Given a layer wider than the 4-row block (exercises the remainder loop) and a loss
    // L = sum_o c_o y_o
    Linear layer = new Linear(3, 5, 7);
    SplittableRandom random = new SplittableRandom(7);
    double[] p = new double[layer.end()];
    layer.initInPlace(p, random, 0.5);
    for (int i = layer.offset() + 35; i < layer.end(); i++) {
      p[i] = random.nextDouble() - 0.5;
    }
    double[] x = random.doubles(5, -1, 1).toArray();
    double[] c = random.doubles(7, -1, 1).toArray();
    double[] y = new double[7];
    java.util.function.DoubleSupplier loss = () -> {
      layer.forward(p, x, 0, y, 0);
      double l = 0;
      for (int o = 0; o < 7; o++) {
        l += c[o] * y[o];
      }
      return l;
    };

    // When the analytic gradient is accumulated (dL/dy = c)
    double[] grad = new double[p.length];
    double[] dx = new double[5];
    layer.backward(p, x, 0, c, 0, grad, 0, null, dx, 0);

    // Then it matches central differences for every parameter and input
    for (int i = layer.offset(); i < layer.end(); i++) {
      assertThat(NumericGradient.relativeError(grad[i], NumericGradient.at(p, i, loss)))
          .as("parameter %d", i).isLessThan(TOLERANCE);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(NumericGradient.relativeError(dx[i], NumericGradient.at(x, i, loss)))
          .as("input %d", i).isLessThan(TOLERANCE);
    }
  }

  @Test
  void shouldWriteGradientAtShiftedIndex() {
    // Given a layer at offset 10 and a gradient buffer that starts at parameter 10
    Linear layer = new Linear(10, 1, 1);
    double[] p = new double[12];
    p[10] = 2;
    double[] grad = new double[2];

    // When
    layer.backward(p, new double[] {3}, 0, new double[] {1}, 0, grad, 10, null, null, 0);

    // Then dW = dy * x lands at index 0 and db at index 1
    assertThat(grad).containsExactly(3.0, 1.0);
  }

  @Test
  void shouldRejectEmptyShapes() {
    assertThatThrownBy(() -> new Linear(0, 0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in 0");
  }
}
