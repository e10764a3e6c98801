package io.tandem.schemas;

import java.util.Objects;

/**
 * A declared task: the value of the compacted {@code tandem.tasks} topic and the shape the configuration declares.
 *
 * @param name   task name, 1..256 characters
 * @param type   label kind
 * @param min    smallest regression label (inclusive); must be null for binary tasks
 * @param max    largest regression label (inclusive), > min; must be null for binary tasks
 * @param weight loss weight, finite and > 0
 */
public record TaskDeclaration(String name, TaskType type, Double min, Double max, double weight) {
  /** Validates the declaration; throws IllegalArgumentException naming the field, value and rule. */
  public TaskDeclaration {
    Checks.id("name", name);
    Objects.requireNonNull(type, "type: must not be null");
    if (type == TaskType.BINARY) {
      if (min != null || max != null) {
        throw new IllegalArgumentException("min/max: must be absent for binary task '" + name
            + "', got min=" + min + ", max=" + max);
      }
    } else {
      if (min == null || max == null) {
        throw new IllegalArgumentException("min/max: required for regression task '" + name
            + "', got min=" + min + ", max=" + max);
      }
      Checks.finite("min", min);
      Checks.finite("max", max);
      if (!(min < max)) {
        throw new IllegalArgumentException("min/max: min must be < max for regression task '" + name
            + "', got min=" + min + ", max=" + max);
      }
    }
    if (!(Double.isFinite(weight) && weight > 0)) {
      throw new IllegalArgumentException("weight: must be finite and > 0 for task '" + name
          + "', got " + weight);
    }
  }

  /** A binary task with the given loss weight. */
  public static TaskDeclaration binary(String name, double weight) {
    return new TaskDeclaration(name, TaskType.BINARY, null, null, weight);
  }

  /** A regression task with labels in [min, max] and the given loss weight. */
  public static TaskDeclaration regression(String name, double min, double max, double weight) {
    return new TaskDeclaration(name, TaskType.REGRESSION, min, max, weight);
  }

  /**
   * Checks a label against this task's type and range.
   *
   * @return null when accepted, else the rejection message, e.g.
   *         {@code label: must be 0 or 1 for binary task 'ctr', got 3}
   */
  String labelProblem(double label) {
    if (type == TaskType.BINARY) {
      return label == 0.0 || label == 1.0 ? null
          : "label: must be 0 or 1 for binary task '" + name + "', got " + Numbers.format(label);
    }
    return label >= min && label <= max ? null
        : "label: must be within [" + Numbers.format(min) + ", " + Numbers.format(max)
            + "] for regression task '" + name + "', got " + Numbers.format(label);
  }
}
