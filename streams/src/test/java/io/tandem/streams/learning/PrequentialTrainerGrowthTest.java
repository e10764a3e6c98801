package io.tandem.streams.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.baseline.BaselineConfig;
import io.tandem.model.baseline.OneHotLinearBaseline;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.schemas.LabelledEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link PrequentialTrainer#addTask}: growing the driven model by a task declared at runtime. */
class PrequentialTrainerGrowthTest {

  private static final ModelConfig SMALL = ModelConfig.defaults().withEmbeddingDim(4)
      .withExperts(2, 8).withTowerSize(4);
  private static final List<TaskSpec> CTR = List.of(TaskSpec.binary("ctr"));
  private static final TaskSpec CONVERSION = TaskSpec.binary("conversion");

  /** {@code count} events alternating ctr and conversion; both follow user parity. */
  private static List<LabelledEvent> events(int from, int count) {
    List<LabelledEvent> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      int user = i % 10;
      out.add(new LabelledEvent("e-" + i, i % 2 == 0 ? "ctr" : "conversion", "u" + user,
          "i" + (i % 7), user % 2, 1000 + i, Map.of()));
    }
    return out;
  }

  @Test
  void shouldDriveTheGrownModelAndOnboardTheNewTask() {
    // Given a watched trainer of a ctr-only model (onboarding after 16 conversion events)
    MultiTaskModel model = MultiTaskModel.create(SMALL, CTR);
    PrequentialTrainer trainer = PrequentialTrainer.watched(model, TransferConfig.defaults()
        .withDetector(DetectorKind.NONE).withOnboardEvents(16), 100);
    trainer.predictThenLearn(events(0, 32).stream().filter(e -> e.task().equals("ctr"))
        .toList());

    // When it grows by conversion and learns batches of both tasks
    MultiTaskModel grown = trainer.addTask(CONVERSION, 2.0);
    List<TransferEvent> transfers = new ArrayList<>();
    for (int b = 0; b < 6; b++) {
      PrequentialTrainer.BatchResult result = trainer.predictThenLearn(events(b * 16, 16));
      transfers.addAll(result.transfers());
      assertThat(result.predictions()).allSatisfy(p -> assertThat(p.scores())
          .containsKeys("ctr", "conversion"));
    }

    // Then the trainer drives the grown model, has conversion's metrics, and onboarded it
    assertThat(trainer.learner()).isSameAs(grown);
    assertThat(trainer.tasks()).containsExactly(CTR.get(0), CONVERSION);
    assertThat(trainer.metrics()).extracting(WindowedTaskMetrics.Snapshot::task)
        .containsExactly("ctr", "conversion");
    assertThat(trainer.version()).isEqualTo(7);
    assertThat(transfers).extracting(TransferEvent::action).containsOnly(
        TransferEvent.Action.ONBOARD);
    assertThat(transfers).extracting(TransferEvent::kind).startsWith(
        TransferEvent.Kind.STARTED);
    assertThat(transfers).hasSize(2);
  }

  @Test
  void shouldGrowAnUnwatchedTrainerWithoutOnboarding() {
    // Given a trainer without drift watch
    PrequentialTrainer trainer = new PrequentialTrainer(MultiTaskModel.create(SMALL, CTR));

    // When it grows and learns conversion events
    trainer.addTask(CONVERSION, 1.0);
    PrequentialTrainer.BatchResult result = trainer.predictThenLearn(events(1, 1));

    // Then the event is learned and nothing is onboarded
    assertThat(result.outcomes()).singleElement()
        .satisfies(o -> assertThat(o.task()).isEqualTo("conversion"));
    assertThat(result.transfers()).isEmpty();
  }

  @Test
  void shouldRefuseToGrowALearnerThatIsNotAMultiTaskModel() {
    // Given a trainer of the linear baseline
    PrequentialTrainer trainer = new PrequentialTrainer(
        new OneHotLinearBaseline(BaselineConfig.defaults(), CTR));

    // When asked to grow, Then the error names the learner
    assertThatThrownBy(() -> trainer.addTask(CONVERSION, 1.0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only a MultiTaskModel can grow")
        .hasMessageContaining("OneHotLinearBaseline");
  }
}
