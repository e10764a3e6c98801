package io.tandem.model;

import java.util.Map;
import java.util.Objects;

/**
 * An example with labels for some of the model's tasks (partial labels are normal: an event
 * usually carries exactly one task's label).
 *
 * @param example the input
 * @param labels task name to label; non-empty; every label finite. Whether each task exists and
 *     accepts its label is checked by the learner, which knows its tasks.
 */
public record LabelledExample(Example example, Map<String, Double> labels) {

  /** Validates and copies. */
  public LabelledExample {
    Objects.requireNonNull(example, "example");
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("labels: at least one task label is required");
    }
    for (Map.Entry<String, Double> e : labels.entrySet()) {
      if (!Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException(
            "label for task '" + e.getKey() + "': must be finite, got " + e.getValue());
      }
    }
  }

  /** An example labelled for one task. */
  public static LabelledExample of(Example example, String task, double label) {
    return new LabelledExample(example, Map.of(task, label));
  }
}
