package io.tandem.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialEvaluatorTest {

  private static final double TOLERANCE = 1e-12;
  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));

  @Test
  void shouldScoreModelAgainstLabelsAndTruthAndTheOracleAgainstLabels() {
    // Given two ctr events and one preference event with known truth
    PrequentialEvaluator evaluator = new PrequentialEvaluator(TASKS, 100);
    evaluator.record("ctr", 0.7, 1, 0.9);
    evaluator.record("ctr", 0.4, 0, 0.2);
    evaluator.record("preference", 3.5, 4, 3.0);

    // When
    TaskReport ctr = evaluator.overall("ctr");
    TaskReport preference = evaluator.overall("preference");

    // Then ctr: model errors vs labels 0.3 and 0.4 (RMSE sqrt(0.125)); vs truth 0.2 and 0.2;
    // the oracle (0.9, 0.2) ranks the pair right (AUC 1) with log loss mean(-ln .9, -ln .8)
    assertThat(ctr.model().count()).isEqualTo(2);
    assertThat(ctr.model().auc()).isCloseTo(1.0, within(TOLERANCE));
    assertThat(ctr.model().rmse()).isCloseTo(Math.sqrt(0.125), within(TOLERANCE));
    assertThat(ctr.modelVsTruth().rmse()).isCloseTo(0.2, within(TOLERANCE));
    assertThat(ctr.oracle().auc()).isCloseTo(1.0, within(TOLERANCE));
    assertThat(ctr.oracle().logLoss())
        .isCloseTo((-Math.log(0.9) - Math.log(0.8)) / 2, within(TOLERANCE));
    // preference: model off the label by 0.5 and off the truth by 0.5; oracle off by 1
    assertThat(preference.model().rmse()).isCloseTo(0.5, within(TOLERANCE));
    assertThat(preference.modelVsTruth().mae()).isCloseTo(0.5, within(TOLERANCE));
    assertThat(preference.oracle().rmse()).isCloseTo(1.0, within(TOLERANCE));
    assertThat(preference.model().auc()).isNaN();
  }

  @Test
  void shouldCloseTumblingWindowsOfNEventsOfTheWholeStream() {
    // Given windows of 4 events and 10 events alternating ctr and preference
    PrequentialEvaluator evaluator = new PrequentialEvaluator(TASKS, 4);
    for (int i = 0; i < 10; i++) {
      if (i % 2 == 0) {
        evaluator.record("ctr", 0.5, i % 4 == 0 ? 1 : 0, Double.NaN);
      } else {
        evaluator.record("preference", 3, 3 + (i / 4), 3);
      }
    }

    // Then two windows are closed (events 0-3 and 4-7), each with 2 events per task; the first
    // window's ratings are 3 (error 0) and the second's 4 (error 1)
    List<WindowReport> windows = evaluator.windows();
    assertThat(windows).hasSize(2);
    assertThat(windows.get(1).firstEvent()).isEqualTo(4);
    assertThat(windows.get(0).tasks().get("ctr").model().count()).isEqualTo(2);
    assertThat(windows.get(0).tasks().get("preference").model().rmse())
        .isCloseTo(0.0, within(TOLERANCE));
    assertThat(windows.get(1).tasks().get("preference").model().rmse())
        .isCloseTo(1.0, within(TOLERANCE));
    // unknown truth (NaN) leaves the truth and oracle scores empty
    assertThat(windows.get(0).tasks().get("ctr").oracle().count()).isZero();
    assertThat(evaluator.events()).isEqualTo(10);
  }

  @Test
  void recentShouldCoverOnlyTheTasksLastNEvents() {
    // Given a window of 2 and ratings predicted with errors 3, 0, 0
    PrequentialEvaluator evaluator = new PrequentialEvaluator(TASKS, 2);
    evaluator.record("preference", 4, 1, 4);
    evaluator.record("preference", 2, 2, 2);
    evaluator.record("preference", 5, 5, 5);

    // Then the sliding view forgot the first error; the overall one did not
    assertThat(evaluator.recent("preference").model().rmse()).isCloseTo(0.0, within(TOLERANCE));
    assertThat(evaluator.overall("preference").model().rmse())
        .isCloseTo(Math.sqrt(3.0), within(TOLERANCE));
  }

  @Test
  void shouldRejectUnknownTaskIllegalLabelAndTruthRecordingNothing() {
    PrequentialEvaluator evaluator = new PrequentialEvaluator(TASKS, 10);
    assertThatThrownBy(() -> evaluator.record("conversion", 0.5, 1, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conversion");
    assertThatThrownBy(() -> evaluator.record("ctr", 0.5, 2, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ctr").hasMessageContaining("2.0");
    assertThatThrownBy(() -> evaluator.record("ctr", 0.5, 1, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truth").hasMessageContaining("1.5");
    assertThatThrownBy(() -> evaluator.record("preference", 0.5, 7, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("preference").hasMessageContaining("7.0");
    assertThatThrownBy(() -> new PrequentialEvaluator(TASKS, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
    assertThat(evaluator.events()).isZero();
  }
}
