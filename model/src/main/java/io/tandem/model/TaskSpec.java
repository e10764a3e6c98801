package io.tandem.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One task the model learns: its name, its kind and, for a regression, the declared label range.
 *
 * <p>Immutable and validated on construction. For a {@link TaskKind#BINARY} task the range is
 * always [0, 1].
 *
 * @param name task name: 1 to 64 characters of {@code [a-z0-9_.-]}, starting with a letter
 * @param kind binary or regression
 * @param labelMin smallest allowed label (inclusive)
 * @param labelMax largest allowed label (inclusive); greater than {@code labelMin}
 */
public record TaskSpec(String name, TaskKind kind, double labelMin, double labelMax) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

  /** Validates every component; throws {@link IllegalArgumentException} naming the bad one. */
  public TaskSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "task name: must match " + NAME.pattern() + ", got '" + name + "'");
    }
    if (!Double.isFinite(labelMin) || !Double.isFinite(labelMax) || labelMin >= labelMax) {
      throw new IllegalArgumentException(
          "task '" + name + "': label range must be finite with min < max, got ["
              + labelMin + ", " + labelMax + "]");
    }
    if (kind == TaskKind.BINARY && (labelMin != 0.0 || labelMax != 1.0)) {
      throw new IllegalArgumentException(
          "task '" + name + "': a binary task's label range is [0, 1], got ["
              + labelMin + ", " + labelMax + "]");
    }
  }

  /** A binary task (labels 0 or 1). */
  public static TaskSpec binary(String name) {
    return new TaskSpec(name, TaskKind.BINARY, 0.0, 1.0);
  }

  /** A regression task with labels in {@code [min, max]}. */
  public static TaskSpec regression(String name, double min, double max) {
    return new TaskSpec(name, TaskKind.REGRESSION, min, max);
  }

  /**
   * Whether {@code label} is a legal label for this task: 0 or 1 for a binary task, a finite
   * value within {@code [labelMin, labelMax]} for a regression.
   */
  public boolean accepts(double label) {
    if (kind == TaskKind.BINARY) {
      return label == 0.0 || label == 1.0;
    }
    return Double.isFinite(label) && label >= labelMin && label <= labelMax;
  }
}
