package io.tandem.model.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DdmTest extends DriftDetectorContract {

  @Override
  DriftDetector newDetector() {
    return new Ddm();
  }

  @Override
  DriftDetector newDetectorWithOtherParameters() {
    return new Ddm(new DdmConfig(50, 2.0, 3.0));
  }

  @Override
  double[] driftingStream() {
    return DriftStreams.load("s2.txt");
  }

  @Test
  void shouldDetectOnReferenceStreamS2AtRiversPublishedIndex() {
    // Given River's stream s2 (1,000 Bernoulli(0.2), then 1,000 Bernoulli(0.8)) and a fresh DDM
    // with the reference parameters; River's test_drift_detectors.py expects exactly [1049]
    double[] s2 = DriftStreams.load("s2.txt");

    // When it reads the stream, Then it detects once, at 1049
    assertThat(DriftStreams.detections(new Ddm(), s2)).containsExactly(1049);
  }

  @Test
  void shouldWarnAfterTheChangeBeforeItDetects() {
    // Given s2, whose error rate jumps at index 1000
    double[] s2 = DriftStreams.load("s2.txt");

    // When a fresh DDM reads it
    List<Integer> warnings = DriftStreams.warnings(new Ddm(), s2);

    // Then it warns after the change and before the detection at 1049, and not at 1049 itself
    assertThat(warnings).isNotEmpty().allSatisfy(i -> assertThat(i).isNotEqualTo(1049));
    assertThat(warnings).filteredOn(i -> i >= 1000 && i < 1049).isNotEmpty();
  }

  @Test
  void shouldTestNothingDuringTheWarmStart() {
    // Given 15 correct predictions then 15 errors: after the zeros pmin = smin = 0, so without a
    // warm start the 16th value (p = 1/16 > 0 + 3 * 0) is a drift
    double[] stream = new double[30];
    Arrays.fill(stream, 15, 30, 1.0);
    assertThat(DriftStreams.detections(new Ddm(new DdmConfig(0, 2.0, 3.0)), stream))
        .startsWith(15);

    // When the reference DDM (warm start 30) reads the same 30 values
    Ddm ddm = new Ddm();
    List<Integer> flagged = DriftStreams.indicesWhere(
        ddm, stream, 0, d -> d.driftDetected() || d.warningDetected());

    // Then no test ran, so nothing was flagged
    assertThat(flagged).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.5})
  void shouldRejectAnErrorOutsideTheUnitInterval(double value) {
    Ddm ddm = new Ddm();

    assertThatThrownBy(() -> ddm.update(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]")
        .hasMessageContaining(String.valueOf(value));
  }

  @Test
  void shouldRejectInvalidSettingsNamingThem() {
    assertThatThrownBy(() -> new DdmConfig(-1, 2.0, 3.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmStart");
    assertThatThrownBy(() -> new DdmConfig(30, 0.0, 3.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warningThreshold");
    assertThatThrownBy(() -> new DdmConfig(30, 2.0, 1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("driftThreshold");
  }
}
