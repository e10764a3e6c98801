package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.TaskSpec;
import io.tandem.model.drift.Adwin;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class TaskMonitorTest {

  private static final double TOLERANCE = 1e-12;
  private static final TaskSpec CLICK = TaskSpec.binary("click");
  private static final TaskSpec RATING = TaskSpec.regression("rating", 1, 5);

  /**
   * A task whose raw loss is any non-negative value we choose: label 0, score {@code sqrt(v)}
   * gives squared error {@code v}.
   */
  private static final TaskSpec SQUARED = TaskSpec.regression("squared", 0, 1);

  /**
   * Added to the recorded signal (which is mostly negative) to make it a non-negative squared
   * error; ADWIN and the watch's rule only compare differences of means with the window's
   * spread, so a constant shift changes none of their decisions (up to rounding).
   */
  private static final double SHIFT = 5.0;

  /** Index in the recorded signal of the cut the previous rule took for a drift (README). */
  private static final int RECORDED_CUT = 26_239;

  /** The recorded baseline-gap signal of resources/transfer/README.md. */
  private static double[] recordedSignal() throws IOException {
    try (InputStream raw = TaskMonitorTest.class.getResourceAsStream(
            "/transfer/baseline-gap-seed42.txt.gz");
        BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
            StandardCharsets.US_ASCII))) {
      return in.lines().mapToDouble(Double::parseDouble).toArray();
    }
  }

  /**
   * Feeds {@code signal} (plus {@link #SHIFT}, plus {@code step} from index {@code stepAt} on) to
   * a watch with no warm-up and the default warning detector; returns the index of the first
   * drift alarm, -1 if none.
   */
  private static int firstDriftAlarm(TaskMonitor monitor, double[] signal, double step,
      int stepAt) {
    for (int i = 0; i < signal.length; i++) {
      double value = signal[i] + SHIFT + (i >= stepAt ? step : 0.0);
      TaskMonitor.Outcome outcome = monitor.observe(Math.sqrt(value), 0.0, false, false);
      if (outcome == TaskMonitor.Outcome.DRIFT) {
        return i;
      }
      if (outcome == TaskMonitor.Outcome.WARNING) {
        monitor.restartWarning(0);
      }
    }
    return -1;
  }

  private static TaskMonitor squaredWatch() {
    return new TaskMonitor(SQUARED, DetectorKind.ADWIN, DriftSignal.RAW_LOSS, 0,
        TransferConfig.defaults().warningDelta());
  }

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
  void shouldNotTakeTheDailySwingOfTheBaselineGapForADrift() throws IOException {
    // Given the baseline-gap signal recorded on the generator's default stream (no drift), whose
    // ADWIN window grows from an evening peak of the click cycle into the morning trough
    double[] signal = recordedSignal();
    TaskMonitor monitor = squaredWatch();

    // When the watch sees it
    int alarm = firstDriftAlarm(monitor, signal, 0.0, Integer.MAX_VALUE);

    // Then the swing stayed within the control limit: no alarm (the previous rule, the 100-event
    // average merely above the window mean, alarmed at the recorded cut); yet ADWIN did cut the
    // window (it restarted: its width is below the 301 values fed from the recorded cut on)
    assertThat(alarm).isEqualTo(-1);
    assertThat(monitor.alarms).isZero();
    assertThat(((Adwin) monitor.detector).width())
        .isLessThan(signal.length - RECORDED_CUT);
  }

  @Test
  void shouldStillAlarmOnAStepAsSmallAsTheWeakestDetectedDriftOnTheSameSignal()
      throws IOException {
    // Given the same recorded signal with a step of 0.03 added from its middle on (the drifts of
    // the reference streams that ADWIN detected raised this signal by 0.04 to 0.11 over the few
    // hundred events before their alarm; its per-event standard deviation is about 0.2)
    double[] signal = recordedSignal();
    int stepAt = 13_000;

    // When the watch sees it
    int alarm = firstDriftAlarm(squaredWatch(), signal, 0.03, stepAt);

    // Then it alarms after the step, within 2,000 values
    assertThat(alarm).isBetween(stepAt, stepAt + 2_000);
  }

  @Test
  void shouldCountARiseOnlyBeyondThreeStandardErrorsOfTheRecentLevel() {
    // Given a window of variance 0.04 (standard deviation 0.2): the standard error of a
    // 100-event moving average is 0.2 / sqrt(199), of a 1,000-event one 0.2 / sqrt(1999)
    double variance = 0.04;
    double fast = 3 * Math.sqrt(variance / 199);
    double slow = 3 * Math.sqrt(variance / 1_999);
    double margin = 1e-6;

    // Then a level counts just above three of them and not just below
    assertThat(TaskMonitor.aboveLimit(1.0 + fast + margin, 100, 1.0, variance)).isTrue();
    assertThat(TaskMonitor.aboveLimit(1.0 + fast - margin, 100, 1.0, variance)).isFalse();
    assertThat(TaskMonitor.aboveLimit(1.0 + slow + margin, 1_000, 1.0, variance)).isTrue();
    assertThat(TaskMonitor.aboveLimit(1.0 + slow - margin, 1_000, 1.0, variance)).isFalse();
    assertThat(TaskMonitor.aboveLimit(Double.NaN, 100, 1.0, variance)).isFalse();
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
