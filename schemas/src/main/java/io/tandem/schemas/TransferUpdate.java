package io.tandem.schemas;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A transfer update on {@code tandem.transfer-updates} (key = task): published once when a candidate is created
 * ({@link Decision#STARTED}, no candidate metric yet) and once when the guard decides.
 * JSON uses snake_case: {@code detected_at_event}, {@code incumbent_metric}, {@code candidate_metric},
 * {@code model_version}.
 *
 * @param id              update id, 1..256 characters
 * @param task            the task whose tower was (re)built
 * @param action          what was done
 * @param trigger         why
 * @param detector        drift detector name (e.g. "adwin", "adwin-warning"); null when not triggered by drift
 * @param detectedAtEvent the task's event count at detection (or at onboarding); null when unknown; >= 0
 * @param sources         source tasks with their affinities; copied; may be empty
 * @param decision        started, promoted or rolled back
 * @param metric          name of the compared loss metric, e.g. "logloss"
 * @param incumbentMetric the incumbent's metric value, finite
 * @param candidateMetric the candidate's metric value, finite; null for {@link Decision#STARTED}
 * @param modelVersion    model version after the update, >= 0
 * @param ts              time of the update, epoch milliseconds, >= 0
 */
public record TransferUpdate(String id, String task, Action action, Trigger trigger, String detector,
               Long detectedAtEvent, List<Source> sources, Decision decision, String metric,
               double incumbentMetric, Double candidateMetric, long modelVersion, long ts) {
  /** Validates every field and copies the sources. */
  public TransferUpdate {
    Checks.id("id", id);
    Checks.id("task", task);
    Objects.requireNonNull(action, "action: must not be null");
    Objects.requireNonNull(trigger, "trigger: must not be null");
    if (detector != null) {
      Checks.id("detector", detector);
    }
    if (detectedAtEvent != null) {
      Checks.timestamp("detected_at_event", detectedAtEvent);
    }
    sources = sources == null ? List.of() : List.copyOf(sources);
    Objects.requireNonNull(decision, "decision: must not be null");
    Checks.id("metric", metric);
    Checks.finite("incumbent_metric", incumbentMetric);
    if (candidateMetric != null) {
      Checks.finite("candidate_metric", candidateMetric);
    } else if (decision != Decision.STARTED) {
      throw new IllegalArgumentException("candidate_metric: required when decision is "
          + decision.json() + ", got null");
    }
    Checks.timestamp("model_version", modelVersion);
    Checks.timestamp("ts", ts);
  }

  /**
   * A source task and its online affinity to the target task.
   *
   * @param task     source task name
   * @param affinity finite affinity
   */
  public record Source(String task, double affinity) {
    /** Validates the fields. */
    public Source {
      Checks.id("sources.task", task);
      Checks.finite("sources.affinity", affinity);
    }
  }

  /** What was done to the task. */
  public enum Action {
    /** Rebuilt from related tasks after drift; JSON "transfer". */
    TRANSFER,
    /** Warm-started a newly declared task; JSON "onboard". */
    ONBOARD;

    /** @return the JSON spelling */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why it was done. */
  public enum Trigger {
    /** A drift detector alarmed; JSON "drift". */
    DRIFT,
    /** A task was declared at runtime; JSON "new_task". */
    NEW_TASK,
    /**
     * A more sensitive warning detector alarmed before the drift detector did; the candidate runs in
     * shadow without any unguarded boost; JSON "drift_warning".
     */
    DRIFT_WARNING;

    /** @return the JSON spelling */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The guard's decision. */
  public enum Decision {
    /** Candidate created, in shadow; JSON "started". */
    STARTED,
    /** Candidate beat the incumbent and now serves; JSON "promoted". */
    PROMOTED,
    /** Candidate lost and was discarded; JSON "rolled_back". */
    ROLLED_BACK;

    /** @return the JSON spelling */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
