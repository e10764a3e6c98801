package io.tandem.streams.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.Example;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExamplesTest {

  @Test
  void shouldGiveEmptyFeatureMapsForANullOrEmptyContext() {
    // When
    Example fromNull = Examples.of("u1", "i1", null);
    Example fromEmpty = Examples.of("u1", "i1", Map.of());

    // Then
    assertThat(fromNull).isEqualTo(new Example("u1", "i1", Map.of(), Map.of()));
    assertThat(fromEmpty).isEqualTo(fromNull);
  }

  @Test
  void shouldSplitSeveralFieldsOfEachKindAndIgnoreOtherValues() {
    // Given: two strings, an integer, a decimal and a value the contract never produces
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("device", "mobile");
    context.put("hour", 7L);
    context.put("country", "fr");
    context.put("price", new BigDecimal("2.5"));
    context.put("flag", Boolean.TRUE);

    // When
    Example example = Examples.of("u1", "i2", context);

    // Then: strings are categorical, numbers numeric as doubles, the boolean is dropped
    assertThat(example.categorical()).isEqualTo(Map.of("device", "mobile", "country", "fr"));
    assertThat(example.numeric()).isEqualTo(Map.of("hour", 7.0, "price", 2.5));
    assertThat(example.user()).isEqualTo("u1");
    assertThat(example.item()).isEqualTo("i2");
  }

  @Test
  void shouldKeepASingleFieldOfEachKind() {
    // Given
    Map<String, Object> context = new HashMap<>();
    context.put("device", "desktop");
    context.put("hour", 23);

    // When
    Example example = Examples.of("u1", "i1", context);

    // Then
    assertThat(example.categorical()).isEqualTo(Map.of("device", "desktop"));
    assertThat(example.numeric()).isEqualTo(Map.of("hour", 23.0));
  }

  @Test
  void shouldRejectANonFiniteNumberNamingTheField() {
    // Given
    Map<String, Object> context = Map.of("score", Double.NaN);

    // When / Then
    assertThatThrownBy(() -> Examples.of("u1", "i1", context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("context.score");
  }
}
