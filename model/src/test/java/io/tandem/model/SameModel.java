package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** Asserts that two models are the same bit for bit: what the path-equivalence tests compare. */
final class SameModel {

  /**
   * Examples to compare predictions on: a known user and item with context, one without
   * context, and ids no model has seen (the default rows).
   */
  static final List<Example> PROBE = List.of(
      new Example("u1", "i2", Map.of("device", "ios"), Map.of("hour", 3.0)),
      new Example("u7", "i9", Map.of(), Map.of()),
      new Example("unseen", "unseen", Map.of("device", "web"), Map.of("hour", 22.0)));

  private SameModel() {}

  /**
   * Asserts that {@code actual} and {@code expected} hold bit-identical dense parameters, dense
   * blob (optimizer state included) and changed embedding rows, and predict {@code probe}
   * identically (their shadow candidates too, when they have one). Drains both models' changed
   * rows.
   */
  static void assertBitIdentical(MultiTaskModel actual, MultiTaskModel expected,
      List<Example> probe) {
    assertThat(actual.denseParameters()).containsExactly(expected.denseParameters());
    assertThat(actual.exportDense()).containsExactly(expected.exportDense());
    Map<RowKey, byte[]> actualRows = actual.drainDirtyRows();
    Map<RowKey, byte[]> expectedRows = expected.drainDirtyRows();
    assertThat(actualRows.keySet()).containsExactlyElementsOf(expectedRows.keySet());
    for (Map.Entry<RowKey, byte[]> e : expectedRows.entrySet()) {
      assertThat(actualRows.get(e.getKey())).as("row %s", e.getKey())
          .containsExactly(e.getValue());
    }
    assertThat(actual.predict(probe)).isEqualTo(expected.predict(probe));
    assertThat(actual.shadowTask()).isEqualTo(expected.shadowTask());
    if (expected.shadowTask() != null) {
      assertThat(actual.predictShadow(probe)).containsExactly(expected.predictShadow(probe));
    }
  }
}
