package io.tandem.model.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.drift.PageHinkleyConfig.Mode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageHinkleyTest extends DriftDetectorContract {

  private static final double TOLERANCE = 1e-9;

  @Override
  DriftDetector newDetector() {
    return new PageHinkley();
  }

  @Override
  DriftDetector newDetectorWithOtherParameters() {
    return new PageHinkley(PageHinkleyConfig.defaults().withMode(Mode.UP));
  }

  @Override
  double[] driftingStream() {
    return DriftStreams.load("s3.txt");
  }

  @Test
  void shouldDetectOnReferenceStreamS3AtRiversPublishedIndicesInEachMode() {
    // Given River's stream s3 (four blocks of 500 thresholded normals: P(1) = 0.5, 0.99, 0.5,
    // 0.99) and River's defaults; River's test_page_hinkley expects these exact lists
    double[] s3 = DriftStreams.load("s3.txt");

    // Then up: [588, 1681]; down: [1172]; both: [588, 1097, 1585]
    assertThat(DriftStreams.detections(newWith(Mode.UP), s3)).containsExactly(588, 1681);
    assertThat(DriftStreams.detections(newWith(Mode.DOWN), s3)).containsExactly(1172);
    assertThat(DriftStreams.detections(newWith(Mode.BOTH), s3)).containsExactly(588, 1097, 1585);
  }

  @Test
  void shouldCrossTheThresholdWhereTheHandComputedClassicStatisticDoes() {
    // Given the classic test (alpha 1, delta 0, lambda 10, watching increases) on 100 zeros then
    // ones. While the values are 0, the mean and every deviation are 0, so m = M = 0. At the k-th
    // one the mean is k / (100 + k), so the deviation is 1 - k / (100 + k) = 100 / (100 + k) > 0,
    // m grows, M stays 0, and PH_up = m = sum_{j=1..k} 100 / (100 + j). That sum is 9.49 at
    // k = 10 and 10.39 at k = 11, so the alarm must come at the 11th one: index 110.
    PageHinkleyConfig classic = new PageHinkleyConfig(1, 0.0, 10.0, 1.0, Mode.UP);
    double[] stream = new double[300];
    Arrays.fill(stream, 100, 300, 1.0);
    int k = 0;
    double statistic = 0.0;
    while (statistic <= classic.threshold()) {
      k++;
      statistic += 100.0 / (100.0 + k);
    }

    // When the detector reads the stream
    PageHinkley detector = new PageHinkley(classic);
    List<Integer> detections = DriftStreams.detections(detector, Arrays.copyOf(stream, 100 + k));

    // Then it alarms exactly at the 11th one, with the hand-computed statistic
    assertThat(k).isEqualTo(11);
    assertThat(detections).containsExactly(100 + k - 1);
    assertThat(detector.increaseStatistic()).isCloseTo(statistic, within(TOLERANCE));
  }

  @Test
  void shouldIgnoreADecreaseWhenWatchingIncreasesOnly() {
    // Given 500 ones then 500 zeros: a pure decrease of the mean
    double[] stream = new double[1_000];
    Arrays.fill(stream, 0, 500, 1.0);

    // Then mode up never alarms while mode down and mode both do
    assertThat(DriftStreams.detections(newWith(Mode.UP), stream)).isEmpty();
    assertThat(DriftStreams.detections(newWith(Mode.DOWN), stream)).isNotEmpty();
    assertThat(DriftStreams.detections(newWith(Mode.BOTH), stream)).isNotEmpty();
  }

  @Test
  void shouldNotAlarmBeforeMinInstances() {
    // Given a statistic far above the threshold from the 2nd value (threshold 0.5, jump of 10)
    PageHinkleyConfig config = new PageHinkleyConfig(30, 0.0, 0.5, 1.0, Mode.UP);
    double[] stream = new double[40];
    Arrays.fill(stream, 1, 40, 10.0);

    // Then the first alarm is on the 30th value, index 29
    assertThat(DriftStreams.detections(new PageHinkley(config), stream)).startsWith(29);
  }

  @Test
  void shouldUseRiversParametersByDefault() {
    PageHinkleyConfig config = new PageHinkley().config();

    assertThat(config.minInstances()).isEqualTo(30);
    assertThat(config.delta()).isEqualTo(0.005);
    assertThat(config.threshold()).isEqualTo(50.0);
    assertThat(config.alpha()).isEqualTo(1 - 0.0001);
    assertThat(config.mode()).isEqualTo(Mode.BOTH);
  }

  @Test
  void shouldRejectInvalidSettingsNamingThem() {
    assertThatThrownBy(() -> new PageHinkleyConfig(0, 0.005, 50.0, 0.9999, Mode.UP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minInstances");
    assertThatThrownBy(() -> new PageHinkleyConfig(30, -0.1, 50.0, 0.9999, Mode.UP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delta");
    assertThatThrownBy(() -> new PageHinkleyConfig(30, 0.005, 0.0, 0.9999, Mode.UP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
    assertThatThrownBy(() -> new PageHinkleyConfig(30, 0.005, 50.0, 1.5, Mode.UP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha");
    assertThatThrownBy(() -> new PageHinkleyConfig(30, 0.005, 50.0, 0.9999, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("mode");
  }

  private static PageHinkley newWith(Mode mode) {
    return new PageHinkley(PageHinkleyConfig.defaults().withMode(mode));
  }
}
