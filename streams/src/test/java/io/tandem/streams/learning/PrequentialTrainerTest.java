package io.tandem.streams.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.loss.Losses;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionRequest;
import io.tandem.schemas.PredictionSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrequentialTrainerTest {

  private static final double TOLERANCE = 1e-12;
  private static final TaskSpec CTR = TaskSpec.binary("ctr");
  private static final TaskSpec PREFERENCE = TaskSpec.regression("preference", 1, 5);
  private static final List<TaskSpec> TASKS = List.of(CTR, PREFERENCE);
  private static final ModelConfig CONFIG = ModelConfig.defaults()
      .withEmbeddingDim(4).withExperts(2, 8).withTowerSize(4)
      .withContextFields(List.of("device"), List.of("hour"));

  private static LabelledEvent click(int i, double label) {
    return new LabelledEvent("e-" + i, "ctr", "u" + (i % 3), "i" + (i % 5), label, 1000L + i,
        Map.of("device", i % 2 == 0 ? "mobile" : "desktop", "hour", i % 24));
  }

  private static LabelledEvent rating(int i, double label) {
    return new LabelledEvent("r-" + i, "preference", "u" + (i % 3), "i" + (i % 5), label,
        2000L + i, Map.of());
  }

  private static List<LabelledEvent> batch(int from) {
    return List.of(click(from, 1), click(from + 1, 0), rating(from + 2, 4.5), click(from + 3, 1));
  }

  @Test
  void shouldPredictEveryEventWithTheModelAsItWasBeforeLearningTheBatch() {
    // Given: the trainer and a twin model fed the same batches by hand
    PrequentialTrainer trainer = new PrequentialTrainer(MultiTaskModel.create(CONFIG, TASKS));
    MultiTaskModel twin = MultiTaskModel.create(CONFIG, TASKS);

    for (int b = 0; b < 3; b++) {
      List<LabelledEvent> events = batch(10 * b);
      List<Example> examples = events.stream().map(Examples::of).toList();
      List<Map<String, Double>> expected = twin.predict(examples);

      // When
      PrequentialTrainer.BatchResult result = trainer.predictThenLearn(events);

      // Then: scores of the pre-batch model, stamped with its version, one per event
      assertThat(result.predictions()).hasSize(events.size());
      for (int i = 0; i < events.size(); i++) {
        Prediction p = result.predictions().get(i);
        assertThat(p.scores()).isEqualTo(expected.get(i));
        assertThat(p.modelVersion()).isEqualTo(b);
        assertThat(p.source()).isEqualTo(PredictionSource.EVENT);
        assertThat(p.id()).isEqualTo(events.get(i).id());
        assertThat(p.ts()).isEqualTo(events.get(i).ts());
      }
      twin.learn(events.stream().map(Examples::labelled).toList());
      assertThat(result.versionAfter()).isEqualTo(b + 1);
    }
  }

  @Test
  void shouldAnswerARequestDifferentlyOnceTheModelHasLearned() {
    // Given
    PrequentialTrainer trainer = new PrequentialTrainer(MultiTaskModel.create(CONFIG, TASKS));
    PredictionRequest request = new PredictionRequest("q-1", "u0", "i0", List.of(), 5L, Map.of());
    Prediction before = trainer.answer(request);

    // When
    trainer.predictThenLearn(List.of(click(0, 1), click(3, 1), click(6, 1)));
    Prediction after = trainer.answer(request);

    // Then
    assertThat(before.modelVersion()).isZero();
    assertThat(after.modelVersion()).isEqualTo(1);
    assertThat(after.scores().get("ctr")).isNotEqualTo(before.scores().get("ctr"));
    assertThat(after.source()).isEqualTo(PredictionSource.REQUEST);
    assertThat(after.scores()).containsOnlyKeys("ctr", "preference");
  }

  @Test
  void shouldAnswerOnlyTheRequestedTasksAndRejectUnknownOnes() {
    PrequentialTrainer trainer = new PrequentialTrainer(MultiTaskModel.create(CONFIG, TASKS));

    Prediction p = trainer.answer(
        new PredictionRequest("q-2", "u1", "i1", List.of("preference"), 6L, Map.of()));

    assertThat(p.scores()).containsOnlyKeys("preference");
    assertThat(p.scores().get("preference")).isBetween(1.0, 5.0);
    assertThatThrownBy(() -> trainer.answer(
        new PredictionRequest("q-3", "u1", "i1", List.of("churn"), 6L, Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("churn");
  }

  @Test
  void shouldReportEachEventsLossOnItsOwnTaskAndFeedTheWindowedMetrics() {
    PrequentialTrainer trainer = new PrequentialTrainer(MultiTaskModel.create(CONFIG, TASKS));
    List<LabelledEvent> events = batch(0);

    PrequentialTrainer.BatchResult result = trainer.predictThenLearn(events);

    for (int i = 0; i < events.size(); i++) {
      LabelledEvent e = events.get(i);
      PrequentialTrainer.Outcome o = result.outcomes().get(i);
      TaskSpec task = e.task().equals("ctr") ? CTR : PREFERENCE;
      assertThat(o.task()).isEqualTo(e.task());
      assertThat(o.score()).isEqualTo(result.predictions().get(i).scores().get(e.task()));
      assertThat(o.loss()).isCloseTo(Losses.loss(task, o.score(), e.label()), within(TOLERANCE));
    }
    List<WindowedTaskMetrics.Snapshot> metrics = trainer.metrics();
    assertThat(metrics).extracting(WindowedTaskMetrics.Snapshot::total).containsExactly(3L, 1L);
  }

  @Test
  void shouldLearnNothingFromAnEmptyBatch() {
    PrequentialTrainer trainer = new PrequentialTrainer(MultiTaskModel.create(CONFIG, TASKS));

    PrequentialTrainer.BatchResult result = trainer.predictThenLearn(List.of());

    assertThat(result.predictions()).isEmpty();
    assertThat(trainer.version()).isZero();
  }

  @Test
  void shouldMapStringContextToCategoricalAndNumbersToNumeric() {
    LabelledEvent e = click(1, 1);

    LabelledExample labelled = Examples.labelled(e);

    assertThat(labelled.example().categorical()).isEqualTo(Map.of("device", "desktop"));
    assertThat(labelled.example().numeric()).isEqualTo(Map.of("hour", 1.0));
    assertThat(labelled.labels()).isEqualTo(Map.of("ctr", 1.0));
    List<String> ids = new ArrayList<>();
    ids.add(labelled.example().user());
    ids.add(labelled.example().item());
    assertThat(ids).containsExactly("u1", "i1");
  }

  @Test
  void shouldGiveTheSameResultWhenTheCallerMadeTheExamples() {
    // Given: two trainers on identical models, one converting events itself
    PrequentialTrainer converting = new PrequentialTrainer(MultiTaskModel.create(CONFIG, TASKS));
    PrequentialTrainer given = new PrequentialTrainer(MultiTaskModel.create(CONFIG, TASKS));

    for (int b = 0; b < 3; b++) {
      List<LabelledEvent> events = batch(10 * b);
      List<LabelledExample> labelled = events.stream().map(Examples::labelled).toList();

      // When
      PrequentialTrainer.BatchResult expected = converting.predictThenLearn(events);
      PrequentialTrainer.BatchResult actual = given.predictThenLearn(events, labelled);

      // Then: same predictions, outcomes and version, batch after batch
      assertThat(actual).isEqualTo(expected);
    }
    assertThat(given.metrics()).isEqualTo(converting.metrics());
  }

  @Test
  void shouldRejectExamplesThatDoNotMatchTheEventsOneForOne() {
    // Given
    PrequentialTrainer trainer = new PrequentialTrainer(MultiTaskModel.create(CONFIG, TASKS));
    List<LabelledEvent> events = batch(0);
    List<LabelledExample> tooFew = events.subList(0, 3).stream().map(Examples::labelled).toList();

    // When / Then: nothing learned
    assertThatThrownBy(() -> trainer.predictThenLearn(events, tooFew))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("labelled: 3 examples for 4 events");
    assertThat(trainer.version()).isZero();
  }
}
