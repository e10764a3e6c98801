package io.tandem.model.transfer;

import java.util.Objects;

/**
 * A read-only view of one task's watch (for {@code /model} and metrics).
 *
 * @param task the task's name
 * @param detector the detector's label ({@link DetectorKind#label()})
 * @param taskEvents events of this task seen by the controller
 * @param warmupLeft task events before the detector sees values again (0 = watching)
 * @param shadowInProgress whether a candidate for this task runs in shadow
 * @param alarms drift alarms so far
 * @param promotions candidates promoted so far
 * @param rollbacks candidates rolled back so far
 */
public record TaskWatch(String task, String detector, long taskEvents, long warmupLeft,
    boolean shadowInProgress, long alarms, long promotions, long rollbacks) {

  /** Validates. */
  public TaskWatch {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(detector, "detector");
  }
}
