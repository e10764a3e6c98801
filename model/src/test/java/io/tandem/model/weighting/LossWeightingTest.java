package io.tandem.model.weighting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.TaskSpec;
import io.tandem.model.loss.Losses;
import io.tandem.model.nn.NumericGradient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LossWeightingTest {

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
    // Given priors, log-variances and losses
    double[] c = {1.5, 0.25};
    double[] s = {0.3, -1.2};
    double[] losses = {0.7, 40};
    double[] analytic = new double[2];
    UncertaintyWeighting.gradient(c, s, losses, BOTH, analytic);

    // Then dJ/ds_t matches central differences of J
    for (int t = 0; t < 2; t++) {
      double numeric =
          NumericGradient.at(s, t, () -> UncertaintyWeighting.objective(c, s, losses, BOTH));
      assertThat(analytic[t]).isCloseTo(numeric, within(TOLERANCE));
    }
  }

  @Test
  void uncertaintyWeightsShouldBeTheDerivativeOfTheObjectiveInEachLoss() {
    // Given priors, log-variances and losses
    double[] c = {1.5, 0.25};
    double[] s = {0.3, -1.2};
    double[] losses = {0.7, 40};
    double[] w = new double[2];
    UncertaintyWeighting.weights(c, s, w);

    // Then the weight the learner puts on task t's loss gradient is dJ/dL_t (central differences)
    for (int t = 0; t < 2; t++) {
      double numeric =
          NumericGradient.at(losses, t, () -> UncertaintyWeighting.objective(c, s, losses, BOTH));
      assertThat(w[t]).isCloseTo(numeric, within(TOLERANCE));
    }
  }

  @ParameterizedTest(name = "priors {0}, {1}")
  @CsvSource({"1, 1, 2.0, 0.02", "1, 3, 2.0, 0.06"})
  void uncertaintyWeightsShouldConvergeToPriorOverLoss(double c0, double c1, double w0,
      double w1) {
    // Given constant losses 0.5 and 50 (100x apart)
    UncertaintyWeighting weighting = new UncertaintyWeighting(new double[] {c0, c1}, 0.05);
    double[] losses = {0.5, 50};

    // When it observes many steps
    for (int i = 0; i < 5000; i++) {
      weighting.observe(losses, BOTH, null);
    }

    // Then w_t -> c_t / L_t, the minimiser of c (exp(-s) L + s): the loss balancing of unit
    // priors times the prior
    double[] w = new double[2];
    weighting.weights(w);
    assertThat(w[0]).isCloseTo(w0, within(1e-3));
    assertThat(w[1]).isCloseTo(w1, within(5e-4 * w1));
  }

  @Test
  void uncertaintyPriorShouldScaleTheWeightAtEveryStepWithoutChangingTheAdaptation() {
    // Given two tasks that see the same noisy losses, with priors 1 and 10
    UncertaintyWeighting weighting = new UncertaintyWeighting(new double[] {1, 10}, 0.05);
    SplittableRandom random = new SplittableRandom(7);
    double[] w = new double[2];

    for (int i = 0; i < 500; i++) {
      // When it observes one step
      double loss = 0.2 + random.nextDouble();
      weighting.observe(new double[] {loss, loss}, BOTH, null);

      // Then the second weight is exactly ten times the first (the prior is a relative
      // importance that the loss balancing never erodes)
      weighting.weights(w);
      assertThat(w[1] / w[0]).isCloseTo(10.0, within(1e-12));
    }
  }

  @Test
  void uncertaintyWithUnitPriorsShouldTakeSgdStepsOnKendallsObjective() {
    // Given the task-count constructor, explicit unit priors, and Kendall et al.'s objective
    // J = sum_t exp(-s_t) L_t + s_t stepped by hand: s_t -= rate * (1 - exp(-s_t) L_t)
    double rate = 0.05;
    UncertaintyWeighting plain = new UncertaintyWeighting(2, rate);
    UncertaintyWeighting unit = new UncertaintyWeighting(new double[] {1, 1}, rate);
    double[] s = new double[2];

    // When all three see the same losses
    for (int i = 0; i < 200; i++) {
      double[] losses = {0.3 + 1e-3 * i, 0.04};
      plain.observe(losses, BOTH, null);
      unit.observe(losses, BOTH, null);
      for (int t = 0; t < 2; t++) {
        s[t] -= rate * (1 - Math.exp(-s[t]) * losses[t]);
      }
    }

    // Then both weightings give exp(-s_t), bit for bit
    double[] a = new double[2];
    double[] b = new double[2];
    plain.weights(a);
    unit.weights(b);
    assertThat(a).containsExactly(Math.exp(-s[0]), Math.exp(-s[1]));
    assertThat(b).containsExactly(a);
  }

  @Test
  void uncertaintyWithZeroPriorShouldGiveTheTaskNoWeight() {
    // Given a task with prior 0
    UncertaintyWeighting weighting = new UncertaintyWeighting(new double[] {0, 1}, 0.05);

    // When it observes steps with small losses (which raise the learned factor)
    for (int i = 0; i < 300; i++) {
      weighting.observe(new double[] {0.01, 0.5}, BOTH, null);
    }

    // Then that task's weight stays 0 while the other one's is learned
    double[] w = new double[2];
    weighting.weights(w);
    assertThat(w[0]).isZero();
    assertThat(w[1]).isGreaterThan(1.0);
  }

  @Test
  void uncertaintyShouldRejectANegativeOrNonFinitePriorNamingTheTask() {
    assertThatThrownBy(() -> new UncertaintyWeighting(new double[] {1, -0.5}, 0.01))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prior weight of task 1: must be finite and >= 0, got -0.5");
    assertThatThrownBy(() -> new UncertaintyWeighting(new double[] {Double.NaN}, 0.01))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 0");
  }

  @Test
  void normalisedRegressionLossShouldBeTheGaussianNllWithTheVarianceOfAUniformLabel() {
    // Given a rating task on 1..5, a tower output and a label
    TaskSpec rating = TaskSpec.regression("rating", 1, 5);
    double z = 0.3;
    double label = 4.2;

    // When its training loss is multiplied by its factor
    double normalised = LossNormalisation.factor(rating) * Losses.trainingLoss(rating, z, label);

    // Then it is (prediction - label)^2 / (2 sigma^2) in label units, with sigma^2 the variance
    // (max - min)^2 / 12 of a label uniform over the declared range
    double prediction = 1 + z * (5 - 1);
    double uniformVariance = (5 - 1) * (5 - 1) / 12.0;
    double gaussianNll = Math.pow(prediction - label, 2) / (2 * uniformVariance);
    assertThat(normalised).isCloseTo(gaussianNll, within(TOLERANCE));
  }

  @Test
  void normalisationShouldLeaveBinaryTasksAndScaleRegressionWeights() {
    // Given configured weights of a binary and a regression task
    List<TaskSpec> tasks = List.of(TaskSpec.binary("ctr"), TaskSpec.regression("rating", 1, 5));

    // Then the binary weight is kept and the regression weight multiplied by its factor
    assertThat(LossNormalisation.weights(new double[] {2, 0.5}, tasks))
        .containsExactly(2.0, 0.5 * LossNormalisation.REGRESSION_FACTOR);
    assertThatThrownBy(() -> LossNormalisation.weights(new double[] {1}, tasks))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weights: 1 weights for 2 tasks");
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
      double numeric =
          NumericGradient.at(w, t, () -> GradNormWeighting.gradNormLoss(w, n, targets));
      assertThat(analytic[t]).isCloseTo(numeric, within(TOLERANCE));
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
