package io.tandem.model.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorConfigTest {

  @Test
  void defaultsShouldBeTheReferenceStream() {
    GeneratorConfig c = GeneratorConfig.defaults();
    assertThat(c.users()).isEqualTo(5_000);
    assertThat(c.items()).isEqualTo(2_000);
    assertThat(c.dim()).isEqualTo(8);
    assertThat(c.rho()).isEqualTo(0.8);
    assertThat(c.totalEvents()).isEqualTo(400_000);
    assertThat(c.ctrBaseRate()).isEqualTo(0.10);
    assertThat(c.context()).isTrue();
    assertThat(c.seed()).isEqualTo(42);
    // 400,000 events * 864 ms = 345,600 s = exactly 4 days: whole daily cycles
    assertThat(c.totalEvents() * c.eventSpacingMs()).isEqualTo(4 * 86_400_000L);
  }

  @Test
  void withCopiesShouldChangeOneSettingOnly() {
    GeneratorConfig c = GeneratorConfig.defaults();
    assertThat(c.withRho(0.2)).isEqualTo(new GeneratorConfig(c.seed(), c.users(), c.items(),
        c.dim(), 0.2, c.ctrEvents(), c.preferenceEvents(), c.ctrBaseRate(), c.context(),
        c.dailyCycleAmplitude(), c.drifts(), c.startTs(), c.eventSpacingMs(), c.zipfExponent(),
        c.signalScale(), c.idBiasScale(), c.ratingNoise()));
    assertThat(c.withEvents(20_000, 200_000).ctrEvents()).isEqualTo(20_000);
    assertThat(c.withSeed(7).withSeed(42)).isEqualTo(c);
  }

  @Test
  void shouldRejectBadSettingsNamingSettingValueAndRule() {
    GeneratorConfig c = GeneratorConfig.defaults();
    assertThatThrownBy(() -> c.withRho(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rho").hasMessageContaining("1.5").hasMessageContaining("[0.0, 1.0]");
    assertThatThrownBy(() -> c.withRho(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rho");
    assertThatThrownBy(() -> c.withCtrBaseRate(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ctrBaseRate");
    assertThatThrownBy(() -> c.withDim(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dim").hasMessageContaining("4..1024").hasMessageContaining("3");
    assertThatThrownBy(() -> c.withEvents(0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be >= 1");
    assertThatThrownBy(() -> c.withPopulation(0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("users");
    assertThatThrownBy(() -> c.withDrifts(List.of(DriftSpec.abrupt("rating", 10))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'rating'");
    assertThatThrownBy(() -> DriftSpec.gradual("ctr", 10, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overEvents");
    assertThatThrownBy(() -> c.withTimeline(0, -5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventSpacingMs");
  }
}
