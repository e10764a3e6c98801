package io.tandem.model.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link DriftDetector} must show. Each detector's test extends this class and
 * supplies a detector with its default parameters, one with other parameters, and a stream on
 * which the default detector raises at least one alarm.
 */
abstract class DriftDetectorContract {

  /** A new detector with the reference parameters. */
  abstract DriftDetector newDetector();

  /** A new detector of the same kind with at least one different hyperparameter. */
  abstract DriftDetector newDetectorWithOtherParameters();

  /** A stream (values legal for the detector) on which {@link #newDetector()} alarms. */
  abstract double[] driftingStream();

  @Test
  void shouldReportNothingBeforeTheFirstUpdate() {
    // Given a fresh detector
    DriftDetector detector = newDetector();

    // Then neither flag is set
    assertThat(detector.driftDetected()).isFalse();
    assertThat(detector.warningDetected()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5, 1.0})
  void shouldNeverAlarmOnAConstantStreamOf5000Values(double constant) {
    // Given a fresh detector and a constant stream
    DriftDetector detector = newDetector();
    double[] stream = new double[5_000];
    Arrays.fill(stream, constant);

    // When it reads the stream, Then it never alarms nor warns
    assertThat(DriftStreams.detections(detector, stream)).isEmpty();
    assertThat(DriftStreams.warnings(newDetector(), stream)).isEmpty();
  }

  @Test
  void shouldAlarmOnTheDriftingStream() {
    // The other contract tests compare detection lists; they prove something only if alarms occur
    assertThat(DriftStreams.detections(newDetector(), driftingStream())).isNotEmpty();
  }

  @Test
  void shouldNeverWarnAndAlarmOnTheSameUpdate() {
    DriftDetector detector = newDetector();
    for (double value : driftingStream()) {
      detector.update(value);
      assertThat(detector.driftDetected() && detector.warningDetected()).isFalse();
    }
  }

  @Test
  void shouldBehaveLikeAFreshDetectorAfterReset() {
    // Given a detector that has read part of the stream, including an alarm
    double[] stream = driftingStream();
    List<Integer> expected = DriftStreams.detections(newDetector(), stream);
    DriftDetector detector = newDetector();
    DriftStreams.detections(detector, Arrays.copyOf(stream, expected.get(0) + 1));

    // When it is reset
    detector.reset();

    // Then its flags are clear, its state equals a fresh one's and it alarms where a fresh one does
    assertThat(detector.driftDetected()).isFalse();
    assertThat(detector.warningDetected()).isFalse();
    assertThat(detector.exportState()).isEqualTo(newDetector().exportState());
    assertThat(DriftStreams.detections(detector, stream)).isEqualTo(expected);
  }

  @Test
  void shouldContinueIdenticallyAfterExportAndImportAtAnyPoint() {
    double[] stream = driftingStream();
    List<Integer> uninterrupted = DriftStreams.detections(newDetector(), stream);
    List<Integer> uninterruptedWarnings = DriftStreams.warnings(newDetector(), stream);
    List<Integer> cutPoints = new ArrayList<>(List.of(0, 1, stream.length / 3));
    for (int detection : uninterrupted) {
      cutPoints.add(detection);
      cutPoints.add(detection + 1);
    }
    for (int cut : cutPoints) {
      // Given a detector that has read stream[0..cut)
      DriftDetector first = newDetector();
      List<Integer> before = DriftStreams.indicesWhere(
          first, Arrays.copyOf(stream, cut), 0, DriftDetector::driftDetected);

      // When its state is imported into a fresh detector that reads the rest
      DriftDetector restored = newDetector();
      restored.importState(first.exportState());
      assertThat(restored.exportState()).as("state after import, cut %d", cut)
          .isEqualTo(first.exportState());
      List<Integer> after = DriftStreams.indicesWhere(
          restored, stream, cut, DriftDetector::driftDetected);

      // Then the detections equal those of an uninterrupted run
      List<Integer> combined = new ArrayList<>(before);
      combined.addAll(after);
      assertThat(combined).as("detections with a restart at %d", cut).isEqualTo(uninterrupted);
    }
    // And warnings survive a restart too
    DriftDetector first = newDetector();
    int cut = stream.length / 2;
    List<Integer> warnings = DriftStreams.indicesWhere(
        first, Arrays.copyOf(stream, cut), 0, DriftDetector::warningDetected);
    DriftDetector restored = newDetector();
    restored.importState(first.exportState());
    warnings.addAll(DriftStreams.indicesWhere(
        restored, stream, cut, DriftDetector::warningDetected));
    assertThat(warnings).isEqualTo(uninterruptedWarnings);
  }

  @Test
  void shouldNotChangeTheDetectorWhenExporting() {
    DriftDetector detector = newDetector();
    double[] stream = driftingStream();
    DriftStreams.detections(detector, Arrays.copyOf(stream, stream.length / 2));

    byte[] first = detector.exportState();

    assertThat(detector.exportState()).isEqualTo(first);
  }

  @Test
  void shouldGiveAFreshCopyTheSameParametersAndNoState() {
    // Given a detector that has learned something
    double[] stream = driftingStream();
    List<Integer> expected = DriftStreams.detections(newDetector(), stream);
    DriftDetector detector = newDetector();
    DriftStreams.detections(detector, Arrays.copyOf(stream, stream.length / 2));
    byte[] learned = detector.exportState();

    // When it is copied
    DriftDetector copy = detector.freshCopy();

    // Then the copy is a distinct fresh detector of the same kind, and the original is unchanged
    assertThat(copy).isNotSameAs(detector).isExactlyInstanceOf(detector.getClass());
    assertThat(copy.name()).isEqualTo(detector.name());
    assertThat(copy.exportState()).isEqualTo(newDetector().exportState());
    assertThat(DriftStreams.detections(copy, stream)).isEqualTo(expected);
    assertThat(detector.exportState()).isEqualTo(learned);
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void shouldRejectANonFiniteValueAndKeepItsState(double value) {
    DriftDetector detector = newDetector();
    DriftStreams.detections(detector, Arrays.copyOf(driftingStream(), 100));
    byte[] before = detector.exportState();

    assertThatThrownBy(() -> detector.update(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(detector.name())
        .hasMessageContaining(String.valueOf(value));
    assertThat(detector.exportState()).isEqualTo(before);
  }

  @Test
  void shouldRejectAStateWithANewerFormatVersion() {
    DriftDetector detector = newDetector();
    byte[] state = detector.exportState();
    int versionOffset = 4 + 2 + detector.name().getBytes(StandardCharsets.UTF_8).length;
    int version = ByteBuffer.wrap(state).getInt(versionOffset);
    ByteBuffer.wrap(state).putInt(versionOffset, version + 1);

    assertThatThrownBy(() -> detector.importState(state))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("supports at most version " + version);
  }

  @Test
  void shouldRejectAStateOfAnotherDetectorKind() {
    DriftDetector detector = newDetector();
    byte[] foreign = new StateWriter("another-detector", 1).writeInt(1).toByteArray();

    assertThatThrownBy(() -> detector.importState(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another-detector");
  }

  @Test
  void shouldRejectAStateExportedWithOtherParameters() {
    byte[] other = newDetectorWithOtherParameters().exportState();

    assertThatThrownBy(() -> newDetector().importState(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was exported with");
  }

  @Test
  void shouldRejectATruncatedStateAndKeepItsOwn() {
    // Given a detector with some state, and a truncated blob from another run
    DriftDetector detector = newDetector();
    DriftStreams.detections(detector, Arrays.copyOf(driftingStream(), 50));
    byte[] before = detector.exportState();
    DriftDetector source = newDetector();
    DriftStreams.detections(source, Arrays.copyOf(driftingStream(), 500));
    byte[] full = source.exportState();
    byte[] truncated = Arrays.copyOf(full, full.length - 1);

    // When it is imported, Then it is rejected and the detector keeps its state
    assertThatThrownBy(() -> detector.importState(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
    assertThat(detector.exportState()).isEqualTo(before);
  }

  @Test
  void shouldRejectAStateWithTrailingBytes() {
    byte[] state = newDetector().exportState();
    byte[] padded = Arrays.copyOf(state, state.length + 3);

    assertThatThrownBy(() -> newDetector().importState(padded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trailing");
  }

  @Test
  void shouldHaveABoundedLowercaseName() {
    assertThat(newDetector().name()).matches("[a-z][a-z-]{1,31}");
  }
}
