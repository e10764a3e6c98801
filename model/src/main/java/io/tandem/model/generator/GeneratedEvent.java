package io.tandem.model.generator;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One generated labelled event, shaped like the {@code tandem.events} wire record, plus its
 * ground truth.
 *
 * @param id event id, {@code e-<n>} with n the 0-based stream position
 * @param task {@code ctr} or {@code preference}
 * @param user user id {@code u<k>}
 * @param item item id {@code i<k>}
 * @param label 0 or 1 for {@code ctr}; a rating in [1, 5] for {@code preference}; finite
 * @param ts event time, epoch milliseconds
 * @param context context features in a fixed order ({@code device} then {@code hour}), values
 *     {@link String} or a finite {@link Long}, {@link Integer} or {@link Double}; empty when the
 *     generator runs without context; copied, unmodifiable, iteration order preserved
 * @param truth the true click probability (ctr) or expected rating before noise, clipped to
 *     [1, 5] (preference); finite
 */
public record GeneratedEvent(String id, String task, String user, String item, double label,
    long ts, Map<String, Object> context, double truth) {

  /** Validates and copies the context. */
  public GeneratedEvent {
    nonEmpty("id", id);
    nonEmpty("task", task);
    nonEmpty("user", user);
    nonEmpty("item", item);
    if (!Double.isFinite(label)) {
      throw new IllegalArgumentException("label: must be finite, got " + label);
    }
    if (!Double.isFinite(truth)) {
      throw new IllegalArgumentException("truth: must be finite, got " + truth);
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : Objects.requireNonNull(context, "context").entrySet()) {
      Object v = e.getValue();
      boolean ok = v instanceof String
          || v instanceof Long || v instanceof Integer
          || v instanceof Double d && Double.isFinite(d);
      if (e.getKey() == null || !ok) {
        throw new IllegalArgumentException("context." + e.getKey()
            + ": must be a String or a finite Long, Integer or Double, got " + v);
      }
      copy.put(e.getKey(), v);
    }
    context = Collections.unmodifiableMap(copy);
  }

  /**
   * The learner's input for this event: string context values become categorical features,
   * numbers numeric ones.
   */
  public Example toExample() {
    Map<String, String> categorical = new LinkedHashMap<>();
    Map<String, Double> numeric = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : context.entrySet()) {
      if (e.getValue() instanceof String s) {
        categorical.put(e.getKey(), s);
      } else {
        numeric.put(e.getKey(), ((Number) e.getValue()).doubleValue());
      }
    }
    return new Example(user, item, categorical, numeric);
  }

  /** {@link #toExample()} labelled with this event's label for its task. */
  public LabelledExample toLabelledExample() {
    return LabelledExample.of(toExample(), task, label);
  }

  private static void nonEmpty(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + ": must be non-empty, got '" + value + "'");
    }
  }
}
