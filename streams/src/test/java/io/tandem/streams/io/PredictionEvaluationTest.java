package io.tandem.streams.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.tandem.model.TaskSpec;
import io.tandem.model.metrics.TaskReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionEvaluationTest {

  private static final double TOLERANCE = 1e-12;
  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));

  @TempDir
  Path dir;

  private Path write(String name, String... lines) throws IOException {
    return Files.write(dir.resolve(name), List.of(lines));
  }

  @Test
  void shouldMatchEventPredictionsToTruthByIdInTruthOrder() throws IOException {
    // Given three ctr events and two ratings; one event has no prediction; a request and an unknown
    // id are extra
    Path truth = write("truth.jsonl",
        "{\"id\":\"e-0\",\"task\":\"ctr\",\"label\":1,\"truth\":0.8}",
        "{\"id\":\"e-1\",\"task\":\"ctr\",\"label\":0,\"truth\":0.3}",
        "{\"id\":\"e-2\",\"task\":\"preference\",\"label\":4,\"truth\":3.5}",
        "{\"id\":\"e-3\",\"task\":\"ctr\",\"label\":0,\"truth\":0.1}",
        "{\"id\":\"e-4\",\"task\":\"preference\",\"label\":2,\"truth\":2.5}");
    Path predictions = write("predictions.jsonl",
        "{\"id\":\"e-1\",\"source\":\"event\",\"scores\":{\"ctr\":0.4,\"preference\":3.0}}",
        "{\"id\":\"e-0\",\"source\":\"event\",\"scores\":{\"ctr\":0.6,\"preference\":3.0}}",
        "{\"id\":\"e-0\",\"source\":\"event\",\"scores\":{\"ctr\":0.0,\"preference\":1.0}}",
        "{\"id\":\"e-2\",\"source\":\"event\",\"scores\":{\"ctr\":0.5,\"preference\":3.0}}",
        "{\"id\":\"e-4\",\"source\":\"event\",\"scores\":{\"ctr\":0.5,\"preference\":3.0}}",
        "{\"id\":\"e-3\",\"source\":\"request\",\"scores\":{\"ctr\":0.9}}",
        "{\"id\":\"x-9\",\"scores\":{\"ctr\":0.9}}");

    // When
    PredictionEvaluation.Result result = PredictionEvaluation.evaluate(predictions, truth, TASKS, 2);

    // Then e-3 (only a request prediction) is missing; x-9 is unmatched; the first e-0 prediction
    // counts
    assertThat(result.events()).isEqualTo(4);
    assertThat(result.withoutPrediction()).isEqualTo(1);
    assertThat(result.unmatchedPredictions()).isEqualTo(1);
    TaskReport ctr = result.evaluator().overall("ctr");
    assertThat(ctr.model().count()).isEqualTo(2);
    // the positive (0.6) outranks the negative (0.4): AUC 1
    assertThat(ctr.model().auc()).isCloseTo(1.0, offset(TOLERANCE));
    TaskReport preference = result.evaluator().overall("preference");
    // errors 3-4 = -1 and 3-2 = 1: RMSE 1; oracle errors -0.5 and 0.5: RMSE 0.5
    assertThat(preference.model().rmse()).isCloseTo(1.0, offset(TOLERANCE));
    assertThat(preference.oracle().rmse()).isCloseTo(0.5, offset(TOLERANCE));
    assertThat(result.evaluator().windows()).hasSize(2);
  }

  @Test
  void shouldNameFileAndLineOfAMalformedOrIllegalTruthLine() throws IOException {
    Path predictions = write("p.jsonl", "{\"id\":\"e-0\",\"scores\":{\"ctr\":0.5}}");
    Path noLabel = write("t1.jsonl", "{\"id\":\"e-0\",\"task\":\"ctr\",\"truth\":0.5}");
    Path badLabel = write("t2.jsonl", "{\"id\":\"e-0\",\"task\":\"ctr\",\"label\":3,\"truth\":0.5}");
    Path notJson = write("t3.jsonl", "{\"id\":\"e-0\",\"task\":\"ctr\",\"label\":1,\"truth\":0.5}", "{oops");

    assertThatThrownBy(() -> PredictionEvaluation.evaluate(predictions, noLabel, TASKS, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(noLabel + " line 1: label: must be a number");
    assertThatThrownBy(() -> PredictionEvaluation.evaluate(predictions, badLabel, TASKS, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(badLabel + " line 1: ");
    assertThatThrownBy(() -> PredictionEvaluation.evaluate(predictions, notJson, TASKS, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(notJson + " line 2: not valid JSON");
  }
}
