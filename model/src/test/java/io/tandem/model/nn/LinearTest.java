package io.tandem.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
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

  @Test
  void batchedKernelsShouldEqualThePerExampleMethodsBitForBit() {
    // Given a 7-in, 9-out layer (remainders after the 2- and 4-wide blocks), 150 examples (more
    // than one chunk of every kernel: 64 by columns, 128 by rows), upstream gradients with zeros
    // (inactive units) and a negative-heavy input
    Linear layer = new Linear(2, 7, 9);
    SplittableRandom random = new SplittableRandom(13);
    double[] p = random.doubles(layer.end(), -1, 1).toArray();
    int n = 150;
    double[][] xRows = new double[n][7];
    double[][] dyRows = new double[n][9];
    for (int e = 0; e < n; e++) {
      for (int i = 0; i < 7; i++) {
        xRows[e][i] = random.nextDouble() * 4 - 3;
      }
      for (int o = 0; o < 9; o++) {
        dyRows[e][o] = random.nextInt(3) == 0 ? 0.0 : random.nextDouble() - 0.5;
      }
    }
    double[][] xColumns = transpose(xRows, 7);
    double[][] dyColumns = transpose(dyRows, 9);

    // When the batch runs through the batched kernels and, example by example, the others
    double[][] yColumns = new double[9][n];
    layer.forwardColumns(p, xColumns, n, yColumns, 0, true);
    double[] gradBatched = new double[p.length];
    TouchedBlocks touched = new TouchedBlocks(p.length);
    layer.backwardWeightsRows(xRows, dyColumns, 0, n, null, -1, gradBatched, 0, touched,
        new Linear.Scratch(7));
    double[][] dxColumns = new double[7][n];
    layer.backwardInputColumns(p, dyColumns, 0, n, dxColumns);
    double[] gradLooped = new double[p.length];
    double[] y = new double[9];
    double[] dx = new double[7];

    // Then outputs (after the ReLU), parameter gradients and input gradients are bit-identical
    for (int e = 0; e < n; e++) {
      layer.forward(p, xRows[e], 0, y, 0);
      Arrays.fill(dx, 0.0);
      layer.backward(p, xRows[e], 0, dyRows[e], 0, gradLooped, 0, null, dx, 0);
      for (int o = 0; o < 9; o++) {
        assertThat(yColumns[o][e]).as("y[%d] of example %d", o, e).isEqualTo(y[o] < 0 ? 0.0 : y[o]);
      }
      for (int i = 0; i < 7; i++) {
        assertThat(dxColumns[i][e]).as("dx[%d] of example %d", i, e).isEqualTo(dx[i]);
      }
    }
    assertThat(gradBatched).containsExactly(gradLooped);
  }

  private static double[][] transpose(double[][] rows, int width) {
    double[][] columns = new double[width][rows.length];
    for (int e = 0; e < rows.length; e++) {
      for (int j = 0; j < width; j++) {
        columns[j][e] = rows[e][j];
      }
    }
    return columns;
  }
}
