package io.tandem.model.weighting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.loss.Losses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A task's configured weight and the loss weight a task gets when it is added at runtime
 * ({@link MultiTaskModel#withTask}) keep their meaning under the default loss weighting (fixed
 * weights on normalised losses: the weight times the task's factor) and under uncertainty
 * weighting (a prior that multiplies the learned weight).
 */
class TaskWeightsTest {

  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("rating", 1, 5));
  private static final TaskSpec CONVERSION = TaskSpec.binary("conversion");
  private static final TaskSpec BASKET = TaskSpec.regression("basket", 0, 10);

  /** Room for one multiplication's rounding in a weight ratio. */
  private static final double RATIO_TOLERANCE = 1e-12;

  /** The defaults, shrunk so that a test runs in milliseconds. */
  private static ModelConfig small() {
    return ModelConfig.defaults().withEmbeddingDim(8).withExperts(2, 8).withTowerSize(4);
  }

  /** {@link #small} with uncertainty weighting and the given priors. */
  private static ModelConfig uncertainty(Map<String, Double> priors) {
    return small().withWeighting(ModelConfig.Weighting.UNCERTAINTY, priors);
  }

  /**
   * {@code size} events of users u0..19 and items i0..9 labelled for {@code task}: even users
   * click and convert, odd users do not; user K rates 1 + K mod 5.
   */
  private static List<LabelledExample> batch(long seed, int size, String task) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LabelledExample> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int user = random.nextInt(20);
      Example example = Example.of("u" + user, "i" + random.nextInt(10));
      double label = task.equals("rating") ? 1 + user % 5 : user % 2 == 0 ? 1 : 0;
      out.add(LabelledExample.of(example, task, label));
    }
    return out;
  }

  /** A model trained on alternating ctr and rating batches. */
  private static MultiTaskModel trained(ModelConfig config) {
    MultiTaskModel model = MultiTaskModel.create(config, TASKS);
    for (int b = 0; b < 40; b++) {
      model.learn(batch(b, 16, b % 2 == 0 ? "ctr" : "rating"));
    }
    return model;
  }

  private static List<Example> examples(List<LabelledExample> batch) {
    return batch.stream().map(LabelledExample::example).toList();
  }

  @Test
  void defaultWeightingShouldBeTheConfiguredWeightTimesTheTasksFactorAndStayFixed() {
    // Given default models with equal weights and with ctr 2, rating 0.5
    MultiTaskModel equal = MultiTaskModel.create(small(), TASKS);
    MultiTaskModel weighted = MultiTaskModel.create(small()
        .withWeighting(ModelConfig.Weighting.NORMALISED, Map.of("ctr", 2.0, "rating", 0.5)),
        TASKS);
    assertThat(ModelConfig.defaults().weighting()).isEqualTo(ModelConfig.Weighting.NORMALISED);

    // When they learn
    for (int b = 0; b < 6; b++) {
      equal.learn(batch(b, 16, b % 2 == 0 ? "ctr" : "rating"));
      weighted.learn(batch(b, 16, b % 2 == 0 ? "ctr" : "rating"));
    }

    // Then the weights are the configured ones times 1 (binary) or 12 (regression), unchanged
    assertThat(equal.lossWeights()).containsEntry("ctr", 1.0)
        .containsEntry("rating", LossNormalisation.REGRESSION_FACTOR);
    assertThat(weighted.lossWeights()).containsEntry("ctr", 2.0)
        .containsEntry("rating", 0.5 * LossNormalisation.REGRESSION_FACTOR);
  }

  @Test
  void addedTaskShouldWeighItsLossWeightTimesItsFactorUnderTheDefault() {
    // Given a trained default model
    MultiTaskModel model = trained(small());

    // When it grows by a binary and, in a twin, a regression task, each with loss weight 2
    MultiTaskModel binary = model.withTask(CONVERSION, 2.0);
    MultiTaskModel regression = model.withTask(BASKET, 2.0);
    binary.learn(batch(7, 16, "conversion"));

    // Then the new task weighs 2 (binary) or 24 (regression); the old tasks keep theirs
    assertThat(binary.lossWeights()).containsEntry("conversion", 2.0)
        .containsAllEntriesOf(model.lossWeights());
    assertThat(regression.lossWeights())
        .containsEntry("basket", 2.0 * LossNormalisation.REGRESSION_FACTOR)
        .containsAllEntriesOf(model.lossWeights());
  }

  @Test
  void configuredWeightShouldMultiplyTheLearnedWeightUnderUncertaintyWeighting() {
    // Given two uncertainty-weighted models, rating's prior 1 and 3
    MultiTaskModel plain = MultiTaskModel.create(uncertainty(Map.of()), TASKS);
    MultiTaskModel heavy = MultiTaskModel.create(uncertainty(Map.of("rating", 3.0)), TASKS);
    assertThat(heavy.lossWeights()).containsEntry("ctr", 1.0).containsEntry("rating", 3.0);

    // When both learn the same first batch (same parameters, so the same losses)
    List<LabelledExample> first = new ArrayList<>(batch(1, 8, "ctr"));
    first.addAll(batch(2, 8, "rating"));
    plain.learn(first);
    heavy.learn(first);

    // Then the learned factor moved away from 1 and is the same in both: the prior multiplies it
    double learned = plain.lossWeights().get("rating");
    assertThat(learned).isNotEqualTo(1.0);
    assertThat(heavy.lossWeights().get("rating") / learned).isCloseTo(3.0,
        within(RATIO_TOLERANCE));
    assertThat(heavy.lossWeights().get("ctr")).isEqualTo(plain.lossWeights().get("ctr"));
  }

  @Test
  void addedTasksLossWeightShouldScaleItsLearnedWeightUnderUncertaintyWeighting() {
    // Given a trained uncertainty-weighted model, whose learned weights are no longer the priors
    // (rating's small normalised squared loss has raised its weight: measured 1.21)
    MultiTaskModel model = trained(uncertainty(Map.of()));
    assertThat(model.lossWeights().get("rating")).isGreaterThan(1.1);

    // When it grows by a task with loss weight 0.5 and, in a twin, 2
    MultiTaskModel light = model.withTask(CONVERSION, 0.5);
    MultiTaskModel heavy = model.withTask(CONVERSION, 2.0);

    // Then the new task starts at its loss weight and the old tasks keep their learned weights
    assertThat(light.lossWeights()).containsEntry("conversion", 0.5)
        .containsAllEntriesOf(model.lossWeights());
    assertThat(heavy.lossWeights()).containsEntry("conversion", 2.0);

    // When both learn the same conversion batch
    List<LabelledExample> conversions = batch(7, 16, "conversion");
    light.learn(conversions);
    heavy.learn(conversions);

    // Then the learned factor is shared and the loss weights stay 4x apart
    assertThat(light.lossWeights().get("conversion")).isNotEqualTo(0.5);
    assertThat(heavy.lossWeights().get("conversion") / light.lossWeights().get("conversion"))
        .isCloseTo(4.0, within(RATIO_TOLERANCE));
  }

  @Test
  void addedTaskWithZeroLossWeightShouldNotChangeTheModel() {
    // Given a trained default model grown by a task with loss weight 0, and a twin with weight 1
    MultiTaskModel model = trained(small());
    MultiTaskModel ignored = model.withTask(CONVERSION, 0.0);
    MultiTaskModel counted = model.withTask(CONVERSION, 1.0);
    List<Example> probe = examples(batch(99, 20, "ctr"));
    List<Map<String, Double>> before = ignored.predict(probe);

    // When both learn batches labelled only for the new task, over users and items seen before
    for (int b = 0; b < 10; b++) {
      List<LabelledExample> conversions = batch(200 + b, 16, "conversion");
      ignored.learn(conversions);
      counted.learn(conversions);
    }

    // Then the zero-weight task moved nothing (no task's prediction changed), while the same
    // events with weight 1 changed the model
    assertThat(ignored.lossWeights().get("conversion")).isZero();
    assertThat(ignored.predict(probe)).isEqualTo(before);
    assertThat(counted.predict(probe)).isNotEqualTo(before);
  }

  @Test
  void heavierAddedTaskShouldPullTheSharedPartTowardsItself() {
    // Given a trained default model grown by conversion with loss weight 0.1 and, in a twin, 10
    MultiTaskModel model = trained(small());
    MultiTaskModel light = model.withTask(CONVERSION, 0.1);
    MultiTaskModel heavy = model.withTask(CONVERSION, 10.0);

    // When both learn the same mixed stream of all three tasks (the user and item rows are
    // shared by the three)
    for (int b = 0; b < 60; b++) {
      String task = switch (b % 3) {
        case 0 -> "ctr";
        case 1 -> "rating";
        default -> "conversion";
      };
      List<LabelledExample> events = batch(300 + b, 16, task);
      light.learn(events);
      heavy.learn(events);
    }

    // Then on held-out conversion events the heavier task has the lower log loss
    List<LabelledExample> heldOut = batch(999, 200, "conversion");
    assertThat(conversionLoss(heavy, heldOut)).isLessThan(conversionLoss(light, heldOut));
  }

  /** Mean log loss of the model's conversion scores on {@code events}. */
  private static double conversionLoss(MultiTaskModel model, List<LabelledExample> events) {
    List<Map<String, Double>> scores = model.predict(examples(events));
    double sum = 0;
    for (int i = 0; i < events.size(); i++) {
      sum += Losses.loss(CONVERSION, scores.get(i).get("conversion"),
          events.get(i).labels().get("conversion"));
    }
    return sum / events.size();
  }
}
