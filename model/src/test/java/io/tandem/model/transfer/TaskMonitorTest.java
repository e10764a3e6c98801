package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.TaskSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TaskMonitorTest {

  private static final double TOLERANCE = 1e-12;
  private static final TaskSpec CLICK = TaskSpec.binary("click");
  private static final TaskSpec RATING = TaskSpec.regression("rating", 1, 5);

  /** Feeds {@code n} events of label 1 scored {@code score}; returns the number of alarms. */
  private static int feed(TaskMonitor monitor, int n, double score) {
    int alarms = 0;
    for (int i = 0; i < n; i++) {
      alarms += monitor.observe(score, 1.0, false) ? 1 : 0;
    }
    return alarms;
  }

  /**
   * Feeds a click stream scored 0.2 whose click rate is 0.2 for 3,000 events and then ramps
   * linearly to 0.6 over 6,000 (seeded); returns the event index of the first outcome of each
   * kind (-1 if none) and counts outcomes before the ramp in slot 2.
   */
  private static long[] rampOutcomes(TaskMonitor monitor) {
    SplittableRandom random = new SplittableRandom(3);
    long[] first = {-1, -1, 0};
    for (int i = 0; i < 12_000; i++) {
      double rate = 0.2 + 0.4 * Math.min(1.0, Math.max(0.0, (i - 3_000) / 6_000.0));
      TaskMonitor.Outcome outcome = monitor.observe(0.2, random.nextDouble() < rate ? 1 : 0,
          false, false);
      if (outcome == TaskMonitor.Outcome.NONE) {
        continue;
      }
      if (i < 3_000) {
        first[2]++;
      }
      int slot = outcome == TaskMonitor.Outcome.WARNING ? 0 : 1;
      if (first[slot] < 0) {
        first[slot] = i;
      }
      if (outcome == TaskMonitor.Outcome.WARNING) {
        monitor.restartWarning(0);
      }
    }
    return first;
  }

  @Test
  void aWarningDetectorShouldFireBeforeTheDriftDetectorOnAGradualRise() {
    // Given a watch with a warning detector (delta 0.1) and one without
    TaskMonitor warned = new TaskMonitor(CLICK, DetectorKind.ADWIN, DriftSignal.RAW_LOSS, 0,
        0.1);
    TaskMonitor plain = new TaskMonitor(CLICK, DetectorKind.ADWIN, DriftSignal.RAW_LOSS, 0);

    // When both see the same gradual rise of the loss
    long[] w = rampOutcomes(warned);
    long[] p = rampOutcomes(plain);

    // Then nothing fired before the rise; the warning came first, the drift alarm at the same
    // event as without a warning detector (the drift detector is untouched by it)
    assertThat(w[2]).isZero();
    assertThat(w[0]).isGreaterThan(3_000);
    assertThat(w[1]).isGreaterThan(w[0]).isEqualTo(p[1]);
    assertThat(p[0]).isEqualTo(-1);
    assertThat(warned.warnings).isPositive();
    assertThat(plain.warnings).isZero();
  }

  @Test
  void shouldAlarmOnARiseOfTheLossOnceWarmedUp() {
    // Given a watched task with no warm-up
    TaskMonitor monitor = new TaskMonitor(CLICK, DetectorKind.ADWIN, DriftSignal.RAW_LOSS, 0);

    // When its loss jumps from -ln 0.9 to -ln 0.1
    int before = feed(monitor, 1_000, 0.9);
    int after = feed(monitor, 1_000, 0.1);

    // Then it alarms after the jump only
    assertThat(before).isZero();
    assertThat(after).isPositive();
    assertThat(monitor.alarms).isEqualTo(after);
  }

  @Test
  void shouldSuppressAlarmsDuringWarmup() {
    // Given a watch whose warm-up covers the whole jump
    TaskMonitor monitor = new TaskMonitor(CLICK, DetectorKind.ADWIN, DriftSignal.RAW_LOSS, 2_000);

    // When the same jump happens inside the warm-up
    int alarms = feed(monitor, 1_000, 0.9) + feed(monitor, 1_000, 0.1);

    // Then nothing alarms, the events are counted and the warm-up is used up
    assertThat(alarms).isZero();
    assertThat(monitor.taskEvents).isEqualTo(2_000);
    assertThat(monitor.warmupLeft).isZero();
  }

  @Test
  void shouldSuppressAlarmsAfterARestartUntilWarmedUpAgain() {
    // Given a watch that restarted (as after a transfer decision) with a warm-up of 500
    TaskMonitor monitor = new TaskMonitor(CLICK, DetectorKind.ADWIN, DriftSignal.RAW_LOSS, 0);
    feed(monitor, 1_000, 0.9);
    monitor.restart(500);

    // When the loss jumps within those 500 events
    int alarms = feed(monitor, 400, 0.1);

    // Then nothing alarms
    assertThat(alarms).isZero();
    assertThat(monitor.warmupLeft).isEqualTo(100);
  }

  @Test
  void shouldNotAlarmWhenTheLossFalls() {
    // Given an ADWIN watch (ADWIN itself cuts on any change of the mean)
    TaskMonitor monitor = new TaskMonitor(CLICK, DetectorKind.ADWIN, DriftSignal.RAW_LOSS, 0);

    // When the loss falls, as while the model learns
    int alarms = feed(monitor, 1_000, 0.1) + feed(monitor, 1_000, 0.9);

    // Then that is no drift
    assertThat(alarms).isZero();
  }

  @Test
  void shouldNeverAlarmWithoutADetector() {
    TaskMonitor monitor = new TaskMonitor(CLICK, DetectorKind.NONE, DriftSignal.RAW_LOSS, 0);

    assertThat(feed(monitor, 500, 0.9) + feed(monitor, 500, 0.1)).isZero();
    assertThat(monitor.taskEvents).isEqualTo(1_000);
  }

  @Test
  void excessLossShouldBeTheLossMinusThePredictionsEntropy() {
    TaskMonitor monitor = new TaskMonitor(CLICK, DetectorKind.NONE, DriftSignal.EXCESS_LOSS, 0);

    // At p = 0.5 the loss of either label is ln 2, the entropy too
    assertThat(monitor.signalValue(Math.log(2), 0.5, 1.0)).isCloseTo(0.0, within(TOLERANCE));
    // At p = 0.9, label 0: -ln 0.1 - H(0.9)
    double entropy = -0.9 * Math.log(0.9) - 0.1 * Math.log(0.1);
    assertThat(monitor.signalValue(-Math.log(0.1), 0.9, 0.0))
        .isCloseTo(-Math.log(0.1) - entropy, within(TOLERANCE));
  }

  @Test
  void excessLossOfARegressionShouldBeTheNormalisedSquaredError() {
    TaskMonitor monitor = new TaskMonitor(RATING, DetectorKind.NONE, DriftSignal.EXCESS_LOSS, 0);

    // Prediction 4, label 2: error 2 over a range of 4
    assertThat(monitor.signalValue(4.0, 4.0, 2.0)).isCloseTo(0.25, within(TOLERANCE));
  }

  @Test
  void detrendedLossShouldBeTheGapToASlowAverage() {
    TaskMonitor monitor = new TaskMonitor(CLICK, DetectorKind.NONE, DriftSignal.DETRENDED_LOSS, 0);

    // The first value defines the reference; the next is measured against it, then it moves
    assertThat(monitor.signalValue(1.0, 0.5, 1.0)).isZero();
    assertThat(monitor.signalValue(3.0, 0.5, 1.0)).isCloseTo(2.0, within(TOLERANCE));
    double reference = 1.0 + 2.0 / DriftSignal.DETREND_SPAN;
    assertThat(monitor.signalValue(2.0, 0.5, 1.0))
        .isCloseTo(2.0 - reference, within(TOLERANCE));
  }

  @Test
  void shouldContinueIdenticallyAfterAStateRoundTrip() throws IOException {
    // Given a watch part-way through a drift, saved and restored into a fresh one
    TaskMonitor original = new TaskMonitor(CLICK, DetectorKind.ADWIN, DriftSignal.EXCESS_LOSS,
        100);
    feed(original, 800, 0.9);
    feed(original, 30, 0.1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      original.write(out);
    }
    TaskMonitor restored = new TaskMonitor(CLICK, DetectorKind.ADWIN, DriftSignal.EXCESS_LOSS,
        100);
    try (DataInputStream in = new DataInputStream(
        new ByteArrayInputStream(bytes.toByteArray()))) {
      restored.read(in, DriftTransferController.STATE_VERSION);
    }

    // When both see the same continuation
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      double score = i % 3 == 0 ? 0.2 : 0.1;
      a.append(original.observe(score, 1.0, false) ? 'x' : '.');
      b.append(restored.observe(score, 1.0, false) ? 'x' : '.');
    }

    // Then they alarm at the same events and agree on every counter
    assertThat(b.toString()).isEqualTo(a.toString()).contains("x");
    assertThat(restored.view(false)).isEqualTo(original.view(false));
    assertThat(restored.recentLoss()).isEqualTo(original.recentLoss());
  }
}
