package io.tandem.model.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The per-task quality over one tumbling window of events.
 *
 * @param index 0-based window number
 * @param firstEvent 0-based position in the evaluated stream (all tasks counted) of the window's
 *     first event
 * @param events how many events (all tasks) the window spans, &gt;= 1
 * @param tasks task name to its report over the window's events of that task (a task without
 *     events in the window has empty scores); iteration in the evaluator's task order
 */
public record WindowReport(long index, long firstEvent, long events, Map<String, TaskReport> tasks) {

  /** Validates and copies. */
  public WindowReport {
    if (index < 0 || firstEvent < 0 || events < 1) {
      throw new IllegalArgumentException("window: index and firstEvent must be >= 0 and events "
          + ">= 1, got index " + index + ", firstEvent " + firstEvent + ", events " + events);
    }
    tasks = Collections.unmodifiableMap(
        new LinkedHashMap<>(Objects.requireNonNull(tasks, "tasks")));
  }
}
