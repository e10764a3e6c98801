package io.tandem.model.transfer;

import java.util.List;
import java.util.Objects;

/**
 * Something a {@link DriftTransferController} did while learning one batch.
 *
 * @param kind what happened; not null
 * @param task the task concerned; not null
 * @param action why: a transfer after drift, or the onboarding of a task added at runtime
 *     ({@link TaskOnboarding}); not null
 * @param detector the detector's label ({@link DetectorKind#label()}); null for an onboarding
 * @param detectedAtTaskEvent the task's own event count (1-based) at the detection that started
 *     this transfer
 * @param sources the source tasks chosen, best first (empty when none had positive affinity);
 *     copied
 * @param metric {@code "logloss"} for a binary task, {@code "squared_error"} for a regression
 * @param incumbentLoss DRIFT_DETECTED and STARTED: the incumbent's recent loss before the
 *     detection (an exponential moving average with a time constant of 1,000 task events);
 *     PROMOTED and ROLLED_BACK: its mean loss over the shadow span
 * @param candidateLoss the candidate's mean loss over the shadow span (PROMOTED, ROLLED_BACK);
 *     null for DRIFT_DETECTED and STARTED
 * @param modelVersion the model's version after the batch
 * @param trigger what started it: {@link Trigger#NEW_TASK} exactly for an onboarding; for a
 *     transfer, the drift detector's alarm or the warning detector's; not null
 */
public record TransferEvent(Kind kind, String task, Action action, String detector,
    long detectedAtTaskEvent, List<SourceTask> sources, String metric, double incumbentLoss,
    Double candidateLoss, long modelVersion, Trigger trigger) {

  /**
   * An event whose trigger follows from its action: {@link Trigger#NEW_TASK} for an onboarding,
   * {@link Trigger#DRIFT} for a transfer (the form before warning-started candidates existed).
   */
  public TransferEvent(Kind kind, String task, Action action, String detector,
      long detectedAtTaskEvent, List<SourceTask> sources, String metric, double incumbentLoss,
      Double candidateLoss, long modelVersion) {
    this(kind, task, action, detector, detectedAtTaskEvent, sources, metric, incumbentLoss,
        candidateLoss, modelVersion, action == Action.ONBOARD ? Trigger.NEW_TASK : Trigger.DRIFT);
  }

  /** What happened. */
  public enum Kind {
    /** The task's detector alarmed. */
    DRIFT_DETECTED,
    /** A candidate was created and runs in shadow. */
    STARTED,
    /** The candidate had the lower shadow loss and now serves. */
    PROMOTED,
    /** The incumbent had the lower (or equal) shadow loss; the candidate was discarded. */
    ROLLED_BACK
  }

  /** Why. */
  public enum Action {
    /** Drift-triggered transfer. */
    TRANSFER,
    /** Onboarding of a task added at runtime ({@link TaskOnboarding}). */
    ONBOARD
  }

  /** What started a candidate. */
  public enum Trigger {
    /** The task's drift detector alarmed. */
    DRIFT,
    /**
     * The task's more sensitive warning detector alarmed ({@link TransferConfig#warningDelta()}):
     * the candidate runs in shadow without any unguarded boost.
     */
    DRIFT_WARNING,
    /** A task added at runtime is onboarded. */
    NEW_TASK
  }

  /**
   * One source task.
   *
   * @param task its name; not null
   * @param affinity its affinity towards the drifted task at the decision, in [-1, 1]; for an
   *     onboarding, the correlation of its published scores with the new task's labels
   */
  public record SourceTask(String task, double affinity) {
    /** Validates. */
    public SourceTask {
      Objects.requireNonNull(task, "task");
    }
  }

  /** Validates and copies. */
  public TransferEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(trigger, "trigger");
    if ((action == Action.ONBOARD) != (trigger == Trigger.NEW_TASK)) {
      throw new IllegalArgumentException("trigger: must be NEW_TASK exactly for an ONBOARD"
          + " action, got " + trigger + " for " + action);
    }
    sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
    if ((kind == Kind.PROMOTED || kind == Kind.ROLLED_BACK) != (candidateLoss != null)) {
      throw new IllegalArgumentException("candidateLoss: must be set exactly for PROMOTED and"
          + " ROLLED_BACK, got " + candidateLoss + " for " + kind);
    }
  }
}
