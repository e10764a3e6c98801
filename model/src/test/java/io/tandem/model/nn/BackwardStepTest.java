package io.tandem.model.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.optim.Adagrad;
import io.tandem.model.optim.RankOneUpdate;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused backward-and-step passes ({@code backwardStep}) of every layer kind against the
 * unfused path they replace for one example: {@code backward} into a zeroed gradient with
 * {@link TouchedBlocks}, then Adagrad's {@code updateDenseAndClearInPlace} over the touched
 * ranges. Parameters, optimizer state and input gradients must agree bit for bit
 * ({@code containsExactly} on {@code double[]} compares bit patterns). The optimizer state starts
 * from earlier (random) accumulations, and several steps run in a row, so the fused pass must also
 * read the state it wrote.
 */
class BackwardStepTest {

  private static final double RATE = 0.05;
  private static final int STEPS = 5;

  @Test
  void linearShouldStepBitIdenticallyToBackwardThenAdagrad() {
    // Given a 7-in, 9-out layer at offset 5 and upstream gradients with zero entries
    Linear layer = new Linear(5, 7, 9);
    SplittableRandom random = new SplittableRandom(17);
    Twins twins = new Twins(layer.end(), random);
    layer.initInPlace(twins.fused, random, 0.5);
    System.arraycopy(twins.fused, 0, twins.reference, 0, layer.end());

    for (int step = 0; step < STEPS; step++) {
      double[] x = random.doubles(7, -1, 1).toArray();
      x[3] = 0.0;
      double[] dy = random.doubles(9, -1, 1).toArray();
      dy[1] = 0.0;
      dy[step] = 0.0;
      double[] dxFused = new double[7];
      double[] dxReference = new double[7];

      // When one copy steps inside the backward pass and the other accumulates, then steps
      layer.backwardStep(twins.fused, x, dy, twins.update, dxFused);
      layer.backward(twins.reference, x, 0, dy, 0, twins.grad, 0, twins.touched, dxReference, 0);
      twins.stepReference();

      // Then both agree bit for bit
      assertThat(dxFused).as("dx, step %d", step).containsExactly(dxReference);
      twins.assertSame(step);
    }
  }

  @Test
  void towerWithWideInputShouldStepBitIdenticallyToBackwardThenAdagrad() {
    // Given a tower at offset 3 over a 6-wide representation, hidden 5, wide input of 4
    Tower tower = new Tower(3, 6, 5, 4);
    SplittableRandom random = new SplittableRandom(19);
    Twins twins = new Twins(tower.end(), random);
    tower.initInPlace(twins.fused, random);
    System.arraycopy(twins.fused, 0, twins.reference, 0, tower.end());
    for (int i = tower.offset(); i < tower.wideEnd(); i++) {
      twins.fused[i] = random.nextDouble() - 0.5;
      twins.reference[i] = twins.fused[i];
    }

    for (int step = 0; step < STEPS; step++) {
      double[] x = random.doubles(6, -1, 1).toArray();
      double[] wide = random.doubles(4, -1, 1).toArray();
      double dLdz = random.nextDouble() - 0.5;
      double[] dxFused = new double[6];
      double[] dxReference = new double[6];
      double[] dWideFused = new double[4];
      double[] dWideReference = new double[4];

      // When
      double zFused = tower.forward(twins.fused, x, wide, 0);
      tower.backwardStep(twins.fused, x, dLdz, twins.update, dxFused, wide, dWideFused);
      double zReference = tower.forward(twins.reference, x, wide, 0);
      tower.backward(twins.reference, x, dLdz, twins.grad, 0, twins.touched, dxReference, wide,
          0, dWideReference);
      twins.stepReference();

      // Then
      assertThat(zFused).isEqualTo(zReference);
      assertThat(dxFused).as("dx, step %d", step).containsExactly(dxReference);
      assertThat(dWideFused).as("dWide, step %d", step).containsExactly(dWideReference);
      twins.assertSame(step);
    }
  }

  @Test
  void mmoeCgcAndSharedBottomShouldStepBitIdenticallyToBackwardThenAdagrad() {
    // Given each shared part: MMoE (no private experts), CGC and a two-layer shared-bottom
    List<SharedPart> parts = List.of(new Cgc(6, 3, 0, 5, 2), new Cgc(6, 2, 2, 5, 3),
        new SharedBottom(6, List.of(8, 5)));
    for (SharedPart part : parts) {
      SplittableRandom random = new SplittableRandom(23);
      Twins twins = new Twins(part.parameterCount(), random);
      part.initInPlace(twins.fused, new SplittableRandom(1));
      part.initInPlace(twins.reference, new SplittableRandom(1));

      for (int step = 0; step < STEPS; step++) {
        int task = step % 2;
        double[] input = random.doubles(6, -1, 1).toArray();
        double[] dOut = random.doubles(part.outputSize(), -1, 1).toArray();
        double[] dxFused = new double[6];
        double[] dxReference = new double[6];

        // When
        part.forward(twins.fused, input);
        part.backwardStep(twins.fused, input, task, dOut, twins.update, dxFused);
        part.forward(twins.reference, input);
        part.backward(twins.reference, input, task, dOut, twins.grad, 0, twins.touched,
            dxReference);
        twins.stepReference();

        // Then
        assertThat(dxFused).as("%s dx, step %d", part.getClass().getSimpleName(), step)
            .containsExactly(dxReference);
        twins.assertSame(step);
      }
    }
  }

  /** Two copies of parameters and Adagrad state: one stepped fused, one by the reference path. */
  private static final class Twins {
    final double[] fused;
    final double[] reference;
    final double[] fusedState;
    final double[] referenceState;
    final double[] grad;
    final TouchedBlocks touched;
    final RankOneUpdate update;

    Twins(int length, SplittableRandom random) {
      fused = new double[length];
      reference = new double[length];
      fusedState = random.doubles(length, 0, 1).toArray();
      referenceState = fusedState.clone();
      grad = new double[length];
      touched = new TouchedBlocks(length);
      update = new Adagrad().rankOneUpdate(fusedState, RATE);
    }

    void stepReference() {
      Adagrad adagrad = new Adagrad();
      touched.drain((from, to) -> adagrad.updateDenseAndClearInPlace(reference, grad,
          referenceState, from, to, 1, RATE));
    }

    void assertSame(int step) {
      assertThat(grad).as("gradient cleared, step %d", step).containsOnly(0.0);
      assertThat(fused).as("parameters, step %d", step).containsExactly(reference);
      assertThat(fusedState).as("state, step %d", step).containsExactly(referenceState);
    }
  }
}
