package io.tandem.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.TaskSpec;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.metrics.PrequentialEvaluator;
import io.tandem.model.metrics.TaskReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OneHotLinearBaselineTest {

  private static final double TOLERANCE = 1e-12;
  private static final List<TaskSpec> TASKS = StreamGenerator.TASKS;
  private static final Example EXAMPLE = Example.of("u1", "i1");

  /** Learning rate 0.05 (not the default), so the hand-computed steps below stay round. */
  private static OneHotLinearBaseline fresh() {
    return new OneHotLinearBaseline(new BaselineConfig(0.05, 0.0, 42L), TASKS);
  }

  private static double score(OneHotLinearBaseline learner, String task) {
    return learner.predict(List.of(EXAMPLE)).get(0).get(task);
  }

  @Test
  void freshModelShouldPredictTheMiddleOfEachTask() {
    // zero weights: sigmoid(0) = 0.5 for ctr; the bias starts at (1 + 5) / 2 = 3 for preference
    OneHotLinearBaseline learner = fresh();
    assertThat(score(learner, "ctr")).isCloseTo(0.5, within(TOLERANCE));
    assertThat(score(learner, "preference")).isCloseTo(3.0, within(TOLERANCE));
  }

  @Test
  void oneRegressionStepShouldMoveBiasUserAndItemByRateTimesError() {
    // Given a fresh model (score 3) and rating 5: dL/ds = 3 - 5 = -2, so bias, user and item
    // weights each move by -0.05 * -2 = +0.1 and the score becomes 3 + 3 * 0.1 = 3.3
    OneHotLinearBaseline learner = fresh();

    // When
    learner.learn(List.of(LabelledExample.of(EXAMPLE, "preference", 5)));

    // Then
    assertThat(score(learner, "preference")).isCloseTo(3.3, within(TOLERANCE));
  }

  @Test
  void oneLogisticStepShouldMoveByRateTimesProbabilityError() {
    // p = 0.5, click: dL/ds = 0.5 - 1 = -0.5; three weights move +0.025, score 0.075
    OneHotLinearBaseline learner = fresh();
    learner.learn(List.of(LabelledExample.of(EXAMPLE, "ctr", 1)));
    assertThat(score(learner, "ctr")).isCloseTo(1 / (1 + Math.exp(-0.075)), within(TOLERANCE));
  }

  @Test
  void aBatchShouldBeOneStepAtItsStartingWeights() {
    // Given the same rating twice, as one batch and as two batches
    LabelledExample five = LabelledExample.of(EXAMPLE, "preference", 5);
    OneHotLinearBaseline batched = fresh();
    OneHotLinearBaseline sequential = fresh();

    // When
    batched.learn(List.of(five, five));
    sequential.learn(List.of(five));
    sequential.learn(List.of(five));

    // Then the batch took both gradients at score 3: 3 + 2 * 3 * 0.1 = 3.6; one after the other
    // the second gradient is taken at 3.3: 3.3 + 3 * 0.05 * 1.7 = 3.555
    assertThat(score(batched, "preference")).isCloseTo(3.6, within(TOLERANCE));
    assertThat(score(sequential, "preference")).isCloseTo(3.555, within(TOLERANCE));
    assertThat(batched.version()).isEqualTo(1);
    assertThat(sequential.version()).isEqualTo(2);
  }

  @Test
  void learningOneTaskShouldNotMoveAnotherTask() {
    // Nothing is shared: clicks teach ctr and leave preference where it was
    OneHotLinearBaseline learner = fresh();
    for (int i = 0; i < 20; i++) {
      learner.learn(List.of(LabelledExample.of(EXAMPLE, "ctr", 1)));
    }
    assertThat(score(learner, "preference")).isCloseTo(3.0, within(TOLERANCE));
    assertThat(score(learner, "ctr")).isGreaterThan(0.7);
  }

  @Test
  void numericContextShouldBeStandardisedBeforeItIsWeighted() {
    // Given hours 0 and 20 alternating, the later hour always clicked (mean 10, sd 10: the
    // standardised values are -1 and +1)
    OneHotLinearBaseline learner = fresh();
    Example early = new Example("u", "i", Map.of(), Map.of("hour", 0.0));
    Example late = new Example("u", "i", Map.of(), Map.of("hour", 20.0));
    for (int i = 0; i < 200; i++) {
      learner.learn(List.of(LabelledExample.of(early, "ctr", 0)));
      learner.learn(List.of(LabelledExample.of(late, "ctr", 1)));
    }

    // Then the hour weight separates them, and an extreme hour stays finite (clipped at 3 sd)
    List<Map<String, Double>> s = learner.predict(List.of(early, late,
        new Example("u", "i", Map.of(), Map.of("hour", 1e12))));
    assertThat(s.get(1).get("ctr")).isGreaterThan(s.get(0).get("ctr") + 0.5);
    assertThat(s.get(2).get("ctr")).isBetween(0.0, 1.0);
  }

  @Test
  void shouldRejectIllegalLabelsNamingTaskAndValue() {
    OneHotLinearBaseline learner = fresh();
    assertThatThrownBy(() -> learner.learn(List.of(LabelledExample.of(EXAMPLE, "preference", 0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("preference").hasMessageContaining("[1.0, 5.0]")
        .hasMessageContaining("0.0");
    assertThatThrownBy(() -> new BaselineConfig(0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learningRate");
    assertThatThrownBy(() -> new OneHotLinearBaseline(BaselineConfig.defaults(),
        List.of(TaskSpec.binary("ctr"), TaskSpec.binary("ctr"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
  }

  @Test
  void shouldLearnTheGeneratorsStreamPrequentially() {
    // Given a small generated world (500 users, 200 items) and 40,000 events
    GeneratorConfig config = GeneratorConfig.defaults().withPopulation(500, 200)
        .withEvents(20_000, 20_000);
    StreamGenerator generator = new StreamGenerator(config);
    OneHotLinearBaseline learner = fresh();
    PrequentialEvaluator evaluator = new PrequentialEvaluator(TASKS, 10_000);

    // When it predicts then learns each event
    while (generator.hasNext()) {
      GeneratedEvent e = generator.next();
      LabelledExample labelled = e.toLabelledExample();
      double prediction = learner.predict(List.of(labelled.example())).get(0).get(e.task());
      evaluator.record(e.task(), prediction, e.label(), e.truth());
      learner.learn(List.of(labelled));
    }

    // Then over the last 10,000 events of each task it ranks clicks better than chance and
    // predicts ratings better than the constant 3 would, yet stays below the oracle
    TaskReport ctr = evaluator.recent("ctr");
    TaskReport preference = evaluator.recent("preference");
    assertThat(ctr.model().auc()).isGreaterThan(0.6).isLessThan(ctr.oracle().auc());
    assertThat(preference.model().rmse()).isLessThan(1.0)
        .isGreaterThan(preference.oracle().rmse());
  }
}
