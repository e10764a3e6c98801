package io.tandem.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogLossTest {

  private static final double TOLERANCE = 1e-12;

  @Test
  void shouldBeLnTwoForACoinFlipPrediction() {
    // -ln(0.5) = ln 2 whatever the label
    assertThat(LogLoss.of(0.5, 1)).isCloseTo(Math.log(2), within(TOLERANCE));
    assertThat(LogLoss.of(0.5, 0)).isCloseTo(Math.log(2), within(TOLERANCE));
  }

  @Test
  void shouldBeMinusLnOfTheProbabilityGivenToTheLabel() {
    // label 1 scored 0.8 costs -ln 0.8; label 0 scored 0.8 costs -ln 0.2
    assertThat(LogLoss.of(0.8, 1)).isCloseTo(-Math.log(0.8), within(TOLERANCE));
    assertThat(LogLoss.of(0.8, 0)).isCloseTo(-Math.log(0.2), within(TOLERANCE));
  }

  @Test
  void shouldClipCertainWrongPredictionsAtEps() {
    // p = 1 for label 0 is clipped to 1 - EPS, so the loss is -ln(EPS) (about 34.5), not infinity
    assertThat(LogLoss.of(1.0, 0)).isCloseTo(-Math.log(LogLoss.EPS), within(1e-3));
    assertThat(LogLoss.of(0.0, 1)).isCloseTo(-Math.log(LogLoss.EPS), within(1e-9));
    // and a certain right prediction costs (almost) nothing
    assertThat(LogLoss.of(1.0, 1)).isCloseTo(0.0, within(1e-14));
  }

  @Test
  void shouldBeExpectedLossForAProbabilityTarget() {
    // truth 0.3, prediction 0.6: 0.3 * -ln 0.6 + 0.7 * -ln 0.4
    double expected = -0.3 * Math.log(0.6) - 0.7 * Math.log(0.4);
    assertThat(LogLoss.of(0.6, 0.3)).isCloseTo(expected, within(TOLERANCE));
  }

  @Test
  void shouldRejectNonFiniteProbabilityAndTargetOutsideUnitInterval() {
    assertThatThrownBy(() -> LogLoss.of(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThatThrownBy(() -> LogLoss.of(0.5, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target").hasMessageContaining("2.0");
  }
}
