package io.tandem.streams.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.TaskSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowedTaskMetricsTest {

  private static final double TOLERANCE = 1e-12;

  @Test
  void shouldComputeAucAsTheShareOfCorrectlyOrderedPairsWithTiesCountingHalf() {
    // Given: positives scored 0.9 and 0.5, negatives 0.5 and 0.1
    WindowedTaskMetrics m = new WindowedTaskMetrics(TaskSpec.binary("ctr"), 100);
    m.add(0.9, 1);
    m.add(0.5, 1);
    m.add(0.5, 0);
    m.add(0.1, 0);

    // Then: pairs (pos, neg): (0.9,0.5) (0.9,0.1) (0.5,0.1) right, (0.5,0.5) a tie → 3.5 / 4
    assertThat(m.snapshot().auc()).isCloseTo(0.875, within(TOLERANCE));
  }

  @Test
  void shouldMatchABruteForcePairCountOnRandomScores() {
    // Given
    WindowedTaskMetrics m = new WindowedTaskMetrics(TaskSpec.binary("ctr"), 500);
    SplittableRandom random = new SplittableRandom(11);
    double[] s = new double[500];
    double[] y = new double[500];
    for (int i = 0; i < 500; i++) {
      s[i] = Math.round(random.nextDouble() * 20) / 20.0;
      y[i] = random.nextDouble() < s[i] ? 1 : 0;
      m.add(s[i], y[i]);
    }

    // When
    double pairs = 0;
    double right = 0;
    for (int i = 0; i < 500; i++) {
      for (int j = 0; j < 500; j++) {
        if (y[i] == 1 && y[j] == 0) {
          pairs++;
          right += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }

    // Then
    assertThat(m.snapshot().auc()).isCloseTo(right / pairs, within(TOLERANCE));
  }

  @Test
  void shouldCoverOnlyTheLastWindowOfEvents() {
    // Given: a window of 2; an early perfect miss, then two perfect hits
    WindowedTaskMetrics m = new WindowedTaskMetrics(TaskSpec.regression("pref", 1, 5), 2);
    m.add(1.0, 5.0);
    m.add(3.0, 3.0);
    m.add(4.0, 4.0);

    // Then: the miss left the window
    WindowedTaskMetrics.Snapshot s = m.snapshot();
    assertThat(s.rmse()).isCloseTo(0.0, within(TOLERANCE));
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.total()).isEqualTo(3);
    assertThat(s.auc()).isNaN();
  }

  @Test
  void shouldReturnEachEventsLossAndAverageLogLoss() {
    WindowedTaskMetrics m = new WindowedTaskMetrics(TaskSpec.binary("ctr"), 10);
    double first = m.add(0.8, 1);
    double second = m.add(0.8, 0);

    assertThat(first).isCloseTo(-Math.log(0.8), within(TOLERANCE));
    assertThat(second).isCloseTo(-Math.log(0.2), within(TOLERANCE));
    assertThat(m.snapshot().logLoss()).isCloseTo((first + second) / 2, within(TOLERANCE));
  }

  @Test
  void shouldLeaveAucUndefinedWhileAClassIsMissing() {
    WindowedTaskMetrics m = new WindowedTaskMetrics(TaskSpec.binary("ctr"), 10);
    m.add(0.3, 0);
    assertThat(m.snapshot().auc()).isNaN();
    assertThat(new WindowedTaskMetrics(TaskSpec.binary("ctr"), 10).snapshot().logLoss()).isNaN();
  }

  @Test
  void shouldRejectAnIllegalLabelOrWindow() {
    WindowedTaskMetrics m = new WindowedTaskMetrics(TaskSpec.binary("ctr"), 10);
    assertThatThrownBy(() -> m.add(0.5, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WindowedTaskMetrics(TaskSpec.binary("ctr"), 0))
        .hasMessage("window: must be >= 1, got 0");
  }
}
