package io.tandem.model.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdwinTest extends DriftDetectorContract {

  private static final double TOLERANCE = 1e-9;

  @Override
  DriftDetector newDetector() {
    return new Adwin();
  }

  @Override
  DriftDetector newDetectorWithOtherParameters() {
    return new Adwin(AdwinConfig.defaults().withDelta(0.01));
  }

  @Override
  double[] driftingStream() {
    return DriftStreams.load("s1.txt");
  }

  @Test
  void shouldDetectOnReferenceStreamS1AtRiversPublishedIndex() {
    // Given River's stream s1 (1,000 draws from {0,1}, then 1,000 from 0..7) and a fresh ADWIN
    // with MOA's parameters; River's test_drift_detectors.py expects exactly [1023]
    double[] s1 = DriftStreams.load("s1.txt");

    // When it reads the stream
    List<Integer> detections = DriftStreams.detections(new Adwin(), s1);

    // Then it detects once, at 1023: the 1,024th value is the first multiple of the clock (32)
    // after the change at 1000, so the first cut test that sees the new regime finds the cut
    assertThat(detections).containsExactly(1023);
  }

  @Test
  void shouldUseMoasParametersByDefault() {
    AdwinConfig config = new Adwin().config();

    assertThat(config.delta()).isEqualTo(0.002);
    assertThat(config.clock()).isEqualTo(32);
    assertThat(config.maxBucketsPerRow()).isEqualTo(5);
    assertThat(config.minSubWindowLength()).isEqualTo(5);
    assertThat(config.gracePeriod()).isEqualTo(10);
  }

  @Test
  void shouldKeepTheExactWidthAndMeanOfAStationaryWindow() {
    // Given values with no change (the cut test never fires on i % 7 over 200 values)
    Adwin adwin = new Adwin();
    double sum = 0.0;
    for (int i = 0; i < 200; i++) {
      adwin.update(i % 7);
      sum += i % 7;
    }

    // Then the window holds every value and its mean is the plain mean
    assertThat(adwin.width()).isEqualTo(200);
    assertThat(adwin.estimation()).isCloseTo(sum / 200, within(TOLERANCE));
  }

  @Test
  void shouldShrinkTheWindowToTheNewRegimeAndRestartOnTheNextUpdate() {
    // Given 1,000 zeros then ones, read until ADWIN detects
    Adwin adwin = new Adwin();
    for (int i = 0; i < 1_000; i++) {
      adwin.update(0.0);
    }
    int ones = 0;
    while (!adwin.driftDetected()) {
      adwin.update(1.0);
      ones++;
    }

    // Then it detected within one clock period of 32 plus the minimum sub-window, and the old
    // zeros were dropped from the window
    assertThat(ones).isLessThanOrEqualTo(64);
    assertThat(adwin.width()).isLessThan(1_000 + ones);

    // When the next value arrives, Then the window restarts from that value alone
    adwin.update(1.0);
    assertThat(adwin.driftDetected()).isFalse();
    assertThat(adwin.width()).isEqualTo(1);
  }

  @Test
  void shouldKeepMemoryLogarithmicInTheWindowLength() {
    // Given 100,000 stationary values (no cut expected on a constant stream)
    Adwin adwin = new Adwin();
    for (int i = 0; i < 100_000; i++) {
      adwin.update(0.25);
    }

    // Then the window covers them all in O(M log n) buckets: the blob stays small
    assertThat(adwin.width()).isEqualTo(100_000);
    assertThat(adwin.exportState().length).isLessThan(2_000);
  }

  @Test
  void shouldRejectInvalidSettingsNamingThem() {
    assertThatThrownBy(() -> new AdwinConfig(0.0, 32, 5, 5, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
    assertThatThrownBy(() -> new AdwinConfig(Double.NaN, 32, 5, 5, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
    assertThatThrownBy(() -> new AdwinConfig(0.002, 0, 5, 5, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock");
    assertThatThrownBy(() -> new AdwinConfig(0.002, 32, 1, 5, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBucketsPerRow");
    assertThatThrownBy(() -> new AdwinConfig(0.002, 32, 5, 0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minSubWindowLength");
    assertThatThrownBy(() -> new AdwinConfig(0.002, 32, 5, 5, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gracePeriod");
  }
}
