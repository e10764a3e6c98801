package io.tandem.model.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.ModelConfig;
import io.tandem.model.generator.GeneratorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Quality of the learner on the generator's ground-truth streams, shrunk to run in seconds: 1,000
 * users and 400 items instead of 5,000 and 2,000, tens of thousands of events (200k for the gap)
 * instead of 400k.
 * Streams and models are seeded, so each number below is reproducible bit for bit; the margins
 * are there so that an honest change to the model does not trip the test, while a broken
 * gradient, weighting or gate does. Measured values (this build) are quoted at each assertion;
 * the full-size numbers come from {@link QualityMeasurement}.
 */
class QualityTest {

  private static final GeneratorConfig SMALL =
      GeneratorConfig.defaults().withPopulation(1_000, 400);

  @Test
  void tandemShouldCloseTheTargetShareOfTheBaselineToOracleGapOnCtrAuc() {
    // Given the default stream's mix (rho 0.8, equal ctr and preference events), 100k + 100k
    // events over 1,000 users x 400 items: long enough for the embeddings to pay off (on 25k +
    // 25k every configuration closes about 20%)
    GeneratorConfig stream = SMALL.withEvents(100_000, 100_000);

    // When Tandem with the model defaults, the one-hot baseline and the oracle are scored
    // prequentially
    QualityScenarios.GapResult result =
        QualityScenarios.gap(stream, QualityConfigs.tandem(ModelConfig.Architecture.MMOE));

    // Then Tandem closes at least the 35% of the gap (measured: 0.7246 vs baseline
    // 0.6590 vs oracle 0.8220, 40.3%; fixed equal weights, the previous default, close 30.5%
    // here and would fail; on the full default stream, QualityMeasurement, 39.8% vs 28.8%)
    assertThat(result.gapClosed()).isGreaterThan(0.35);
  }

  @Test
  void multiTaskShouldBeatSingleTaskWhenCtrIsScarce() {
    // Given 10x more preference than ctr events, rho 0.8
    QualityScenarios.TransferResult result = QualityScenarios.scarceCtr(
        SMALL.withEvents(4_000, 40_000), QualityConfigs.tandem(ModelConfig.Architecture.MMOE));

    // Then the two-task model's ctr AUC is higher than a ctr-only model's (measured: 0.5995 vs
    // 0.5776; with fixed equal weights 0.5817, with uncertainty weighting 0.5675 vs 0.5717)
    assertThat(result.multiTask()).isGreaterThan(result.singleTask());
  }

  @Test
  void mmoeAndCgcShouldNotLoseToSharedBottomOnUnrelatedTasks() {
    // Given three seeds of a stream whose task directions are nearly orthogonal (rho 0.1)
    double mmoe = 0;
    double cgc = 0;
    double sharedBottom = 0;
    for (long seed = 1; seed <= 3; seed++) {
      GeneratorConfig stream = SMALL.withEvents(15_000, 15_000).withRho(0.1).withSeed(seed);
      mmoe += QualityScenarios.tandem(stream,
          QualityConfigs.tandem(ModelConfig.Architecture.MMOE)).ctr().model().auc() / 3;
      cgc += QualityScenarios.tandem(stream,
          QualityConfigs.tandem(ModelConfig.Architecture.CGC)).ctr().model().auc() / 3;
      sharedBottom += QualityScenarios.tandem(stream,
          QualityConfigs.tandem(ModelConfig.Architecture.SHARED_BOTTOM)).ctr().model().auc() / 3;
    }

    // Then the soft-sharing models' mean ctr AUC is at least shared-bottom's, less a 0.005
    // tolerance (measured: MMoE 0.6256, CGC 0.6239, shared-bottom 0.6183; both ahead on every
    // seed)
    assertThat(mmoe).isGreaterThan(sharedBottom - 0.005);
    assertThat(cgc).isGreaterThan(sharedBottom - 0.005);
  }

  @Test
  void learnedWeightingShouldKeepCtrLearningWhenThePreferenceLossIsScaled100x() {
    // Given the preference loss multiplied by 100, on the model without wide towers at the
    // slower rates (0.05 / 0.01), where a dominant task swamps the shared layers: the default
    // wide model at its faster rates is itself robust to the scale (fixed weights 0.635 vs 0.645
    // unscaled), so this configuration is the one that separates the strategies
    GeneratorConfig stream = SMALL.withEvents(15_000, 15_000);
    ModelConfig narrow = QualityConfigs.fixedEqualWeights(ModelConfig.Architecture.MMOE)
        .withWide(false).withOptimizer(ModelConfig.OptimizerKind.ADAGRAD, 0.05, 0.01);
    ModelConfig scaled = narrow.withLossScales(Map.of("preference", 100.0));

    // When trained with fixed equal weights, uncertainty weighting and GradNorm
    double fixed = ctrAuc(stream, scaled.withWeighting(ModelConfig.Weighting.FIXED, Map.of()));
    double uncertainty =
        ctrAuc(stream, scaled.withWeighting(ModelConfig.Weighting.UNCERTAINTY, Map.of()));
    double gradNorm =
        ctrAuc(stream, scaled.withWeighting(ModelConfig.Weighting.GRADNORM, Map.of()));
    double unscaled = ctrAuc(stream, narrow);

    // Then fixed weights let the scaled task swamp ctr (measured 0.574 vs 0.647 unscaled) while
    // uncertainty (0.631) and GradNorm (0.605) keep ctr learning
    assertThat(fixed).isLessThan(unscaled - 0.04);
    assertThat(uncertainty).isGreaterThan(fixed + 0.03).isGreaterThan(unscaled - 0.03);
    assertThat(gradNorm).isGreaterThan(fixed + 0.015);
  }

  @Test
  void uncertaintyWeightingShouldKeepTheWideModelsCtrWhenThePreferenceLossIsScaled100x() {
    // Given weakly related tasks (rho 0.1, so the preference task cannot stand in for ctr) and
    // the default (wide) model with its preference loss multiplied by 100
    GeneratorConfig stream = SMALL.withEvents(15_000, 15_000).withRho(0.1);
    ModelConfig fixedWeights = QualityConfigs.fixedEqualWeights(ModelConfig.Architecture.MMOE);
    ModelConfig scaled = fixedWeights.withLossScales(Map.of("preference", 100.0));

    // When trained with fixed equal weights and with uncertainty weighting
    double fixed = ctrAuc(stream, scaled);
    double uncertainty =
        ctrAuc(stream, scaled.withWeighting(ModelConfig.Weighting.UNCERTAINTY, Map.of()));
    double unscaled = ctrAuc(stream, fixedWeights);

    // Then fixed weights lose ctr AUC to the scale (measured 0.614 vs 0.6225 unscaled) and
    // uncertainty weighting keeps it (0.621)
    assertThat(fixed).isLessThan(unscaled - 0.005);
    assertThat(uncertainty).isGreaterThan(fixed + 0.004).isGreaterThan(unscaled - 0.003);
  }

  private static double ctrAuc(GeneratorConfig stream, ModelConfig config) {
    return QualityScenarios.tandem(stream, config).ctr().model().auc();
  }
}
