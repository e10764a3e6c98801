package io.tandem.model.generator;

import java.util.Objects;

/**
 * One scheduled concept drift: the task-specific factors of {@code task} are re-drawn.
 *
 * <p>Abrupt ({@code overEvents == 0}): every event at stream position {@code >= atEvent} uses the
 * new factors. Gradual: the specific direction is blended from the old to the new one linearly
 * in the stream position over {@code [atEvent, atEvent + overEvents]} (weight of the new one
 * {@code (n - atEvent) / overEvents}), renormalised to unit length.
 *
 * @param task the task whose specific factors change ({@code ctr} or {@code preference};
 *     checked against the generator's tasks by {@link GeneratorConfig})
 * @param atEvent 0-based stream position (all tasks counted) where the drift starts, &gt;= 0
 * @param overEvents length of the blend in events, &gt;= 0; 0 = abrupt
 */
public record DriftSpec(String task, long atEvent, long overEvents) {

  /** Validates. */
  public DriftSpec {
    Objects.requireNonNull(task, "task");
    if (atEvent < 0) {
      throw new IllegalArgumentException("drift atEvent: must be >= 0, got " + atEvent);
    }
    if (overEvents < 0) {
      throw new IllegalArgumentException(
          "drift overEvents: must be >= 0 (0 = abrupt), got " + overEvents);
    }
  }

  /** An abrupt drift of {@code task} at stream position {@code atEvent}. */
  public static DriftSpec abrupt(String task, long atEvent) {
    return new DriftSpec(task, atEvent, 0);
  }

  /** A gradual drift of {@code task} blended over {@code overEvents} from {@code atEvent}. */
  public static DriftSpec gradual(String task, long atEvent, long overEvents) {
    return new DriftSpec(task, atEvent, overEvents);
  }
}
