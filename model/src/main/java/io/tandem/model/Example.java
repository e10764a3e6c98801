package io.tandem.model;

import java.util.Map;
import java.util.Objects;

/**
 * The input of one prediction: who, what, and in which context.
 *
 * <p>Immutable: the maps are copied on construction. Numeric context values must be finite.
 *
 * @param user user id (non-empty); the key entity, each id gets its own embedding row
 * @param item item id (non-empty)
 * @param categorical categorical context features, field name to value (e.g. device=mobile);
 *     each field gets its own embedding table
 * @param numeric numeric context features, field name to finite value (e.g. hour=13)
 */
public record Example(
    String user, String item, Map<String, String> categorical, Map<String, Double> numeric) {

  /** Validates and copies; throws {@link IllegalArgumentException} naming the bad field. */
  public Example {
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("user: must be a non-empty id, got '" + user + "'");
    }
    if (item == null || item.isEmpty()) {
      throw new IllegalArgumentException("item: must be a non-empty id, got '" + item + "'");
    }
    categorical = Map.copyOf(Objects.requireNonNull(categorical, "categorical"));
    numeric = Map.copyOf(Objects.requireNonNull(numeric, "numeric"));
    for (Map.Entry<String, Double> e : numeric.entrySet()) {
      if (!Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException(
            "context." + e.getKey() + ": must be a finite number, got " + e.getValue());
      }
    }
  }

  /** An example without context. */
  public static Example of(String user, String item) {
    return new Example(user, item, Map.of(), Map.of());
  }
}
