package io.tandem.model.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.RecordComponents;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** Every copy method, named by the record components it may change. */
  static Stream<Arguments> copies() {
    return Stream.of(
        copy(c -> c.withSeed(7), "seed"),
        copy(c -> c.withPopulation(50, 20), "users", "items"),
        copy(c -> c.withDim(4), "dim"),
        copy(c -> c.withRho(0.2), "rho"),
        copy(c -> c.withEvents(20_000, 200_000), "ctrEvents"),
        copy(c -> c.withEvents(1_000, 2_000), "ctrEvents", "preferenceEvents"),
        copy(c -> c.withCtrBaseRate(0.3), "ctrBaseRate"),
        copy(c -> c.withContext(false), "context"),
        copy(c -> c.withDailyCycleAmplitude(0.0), "dailyCycleAmplitude"),
        copy(c -> c.withDrifts(List.of(DriftSpec.abrupt("ctr", 100))), "drifts"),
        copy(c -> c.withTimeline(0L, 10L), "startTs", "eventSpacingMs"),
        copy(c -> c.withZipfExponent(1.1), "zipfExponent"),
        copy(c -> c.withSignalScale(2.0), "signalScale"),
        copy(c -> c.withIdBiasScale(0.1), "idBiasScale"),
        copy(c -> c.withRatingNoise(0.2), "ratingNoise"));
  }

  private static Arguments copy(UnaryOperator<GeneratorConfig> change, String... components) {
    return Arguments.of(Set.of(components), change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("copies")
  void withCopiesShouldChangeOnlyTheirSetting(Set<String> components,
      UnaryOperator<GeneratorConfig> change) {
    // Given the defaults, When one copy method is applied
    GeneratorConfig c = GeneratorConfig.defaults();
    GeneratorConfig d = change.apply(c);
    // Then exactly its components differ
    assertThat(RecordComponents.changed(c, d)).isEqualTo(new TreeSet<>(components));
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
