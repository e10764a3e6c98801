package io.tandem.model.weighting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LossWeightingTest {

  private static final double STEP = 1e-6;
  private static final double TOLERANCE = 1e-6;
  private static final boolean[] BOTH = {true, true};

  @Test
  void fixedWeightingShouldReturnItsWeightsAndRejectNegatives() {
    double[] out = new double[2];
    new FixedWeighting(new double[] {0.25, 2}).weights(out);
    assertThat(out).containsExactly(0.25, 2.0);
    assertThatThrownBy(() -> new FixedWeighting(new double[] {1, -1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 1");
  }

  @Test
  void uncertaintyGradientShouldMatchFiniteDifferences() {
    // Given log-variances and losses
    double[] s = {0.3, -1.2};
    double[] losses = {0.7, 40};
    double[] analytic = new double[2];
    UncertaintyWeighting.gradient(s, losses, BOTH, analytic);

    // Then dJ/ds_t matches central differences of J
    for (int t = 0; t < 2; t++) {
      double saved = s[t];
      s[t] = saved + STEP;
      double plus = UncertaintyWeighting.objective(s, losses, BOTH);
      s[t] = saved - STEP;
      double minus = UncertaintyWeighting.objective(s, losses, BOTH);
      s[t] = saved;
      assertThat(analytic[t]).isCloseTo((plus - minus) / (2 * STEP), within(TOLERANCE));
    }
  }

  @Test
  void uncertaintyWeightsShouldConvergeToInverseLosses() {
    // Given constant losses 0.5 and 50 (100x apart)
    UncertaintyWeighting weighting = new UncertaintyWeighting(2, 0.05);
    double[] losses = {0.5, 50};

    // When it observes many steps
    for (int i = 0; i < 5000; i++) {
      weighting.observe(losses, BOTH, null);
    }

    // Then w_t -> 1 / L_t, the minimiser of exp(-s) L + s
    double[] w = new double[2];
    weighting.weights(w);
    assertThat(w[0]).isCloseTo(2.0, within(1e-3));
    assertThat(w[1]).isCloseTo(0.02, within(1e-5));
  }

  @Test
  void gradNormGradientShouldMatchFiniteDifferencesWithTargetsHeldConstant() {
    // Given weights, unweighted norms and training-rate ratios
    double[] w = {0.8, 1.2, 1.0};
    double[] n = {2.0, 0.5, 1.1};
    double[] r = {1.1, 0.9, 1.0};
    double[] targets = new double[3];
    GradNormWeighting.targets(w, n, r, 1.5, targets);
    double[] analytic = new double[3];
    GradNormWeighting.gradient(w, n, targets, analytic);

    // Then the derivative of sum |w_t n_t - target_t| matches central differences
    for (int t = 0; t < 3; t++) {
      double saved = w[t];
      w[t] = saved + STEP;
      double plus = GradNormWeighting.gradNormLoss(w, n, targets);
      w[t] = saved - STEP;
      double minus = GradNormWeighting.gradNormLoss(w, n, targets);
      w[t] = saved;
      assertThat(analytic[t]).isCloseTo((plus - minus) / (2 * STEP), within(TOLERANCE));
    }
  }

  @Test
  void gradNormShouldShrinkTheWeightOfTheTaskWithTheLargerGradient() {
    // Given task 1's shared gradient 100x larger than task 0's, equal training rates
    GradNormWeighting weighting = new GradNormWeighting(new double[] {1, 1}, 0.5, 0.05);
    SplittableRandom random = new SplittableRandom(1);

    // When it observes steps with noisy but constant-mean losses
    for (int i = 0; i < 3000; i++) {
      double[] losses = {0.7 + 0.01 * random.nextDouble(), 0.7 + 0.01 * random.nextDouble()};
      weighting.observe(losses, BOTH, new double[] {0.01, 1.0});
    }

    // Then the weighted norms are balanced: w1 / w0 moves far below 1, sum stays 2
    double[] w = new double[2];
    weighting.weights(w);
    assertThat(w[0] + w[1]).isCloseTo(2.0, within(1e-9));
    assertThat(w[1] / w[0]).isLessThan(0.05);
  }

  @Test
  void dwaShouldFavourTheTaskWhoseLossStoppedFalling() {
    // Given task 0's loss falling steadily and task 1's loss flat
    DwaWeighting weighting = new DwaWeighting(2);
    for (int i = 0; i < 2000; i++) {
      weighting.observe(new double[] {1.0 / (1 + 0.01 * i), 1.0}, BOTH, null);
    }

    // Then task 1 weighs more; the weights sum to the task count
    double[] w = new double[2];
    weighting.weights(w);
    assertThat(w[1]).isGreaterThan(w[0]);
    assertThat(w[0] + w[1]).isCloseTo(2.0, within(1e-12));
  }

  @Test
  void learnedWeightingsShouldRoundTripTheirState() throws IOException {
    LossWeighting[] pairs = {new UncertaintyWeighting(2, 0.1), new GradNormWeighting(
        new double[] {1, 1}, 1, 0.1), new DwaWeighting(2)};
    LossWeighting[] fresh = {new UncertaintyWeighting(2, 0.1), new GradNormWeighting(
        new double[] {1, 1}, 1, 0.1), new DwaWeighting(2)};
    for (int k = 0; k < pairs.length; k++) {
      // Given a weighting that has learned something
      for (int i = 0; i < 300; i++) {
        pairs[k].observe(new double[] {0.5 + i * 1e-3, 3}, BOTH, new double[] {0.2, 2});
      }
      // When its state is copied into a fresh one
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      pairs[k].writeState(new DataOutputStream(bytes));
      fresh[k].readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      // Then both give the same weights now and after one more identical step
      double[] a = new double[2];
      double[] b = new double[2];
      pairs[k].observe(new double[] {0.4, 3}, BOTH, new double[] {0.2, 2});
      fresh[k].observe(new double[] {0.4, 3}, BOTH, new double[] {0.2, 2});
      pairs[k].weights(a);
      fresh[k].weights(b);
      assertThat(b).as(pairs[k].getClass().getSimpleName()).containsExactly(a);
    }
  }
}
