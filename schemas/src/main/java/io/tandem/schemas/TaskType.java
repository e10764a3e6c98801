package io.tandem.schemas;

import java.util.Locale;

/** The kind of a task's label. */
public enum TaskType {
  /** Label 0 or 1; JSON {@code "binary"}. */
  BINARY,
  /** Real label within a declared [min, max]; JSON {@code "regression"}. */
  REGRESSION;

  /** @return the JSON spelling, lower case */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
