package io.tandem.streams.tasks;

import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.schemas.TaskType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The tasks one Tandem instance accepts: the configured tasks (the start set, fixed) plus the
 * tasks declared on {@code topics.tasks} while running, in the order they were accepted.
 *
 * <p>Rules: a declaration of a new name is accepted; a redeclaration with the same type and label
 * range is accepted as unchanged (a changed weight does not apply to a task already learned: a
 * task's loss weight is fixed when its tower is created); a redeclaration with another type or
 * range is rejected, and so is any declaration whose name is not a legal model task name
 * ({@link TaskSpec}). A rejection is reported to the caller, which logs and counts it; the
 * catalog is unchanged then. Removing a task is not supported.
 *
 * <p>{@link #get()} is the current catalog for the validating codecs; {@link #version()} grows by
 * one on every accepted new task, so a learner can tell cheaply whether to look for tasks its
 * model lacks. Thread-safe: written by the global-store thread (declarations) and the stream
 * threads ({@link #adopt}), read by every stream thread; reads are lock-free.
 */
public final class DynamicTaskCatalog implements Supplier<TaskCatalog> {

  /** What became of a declaration. */
  public enum Outcome {
    /** A new task: added. */
    ACCEPTED,
    /** A task already known with the same type and range: nothing changed. */
    UNCHANGED,
    /** Conflicts with the known task of that name, or is not a legal task: ignored. */
    REJECTED;

    /** Lowercase, for logs and metric tags. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The result of one declaration.
   *
   * @param outcome what happened; not null
   * @param reason why it was rejected (naming the task, the known and the declared shape), or
   *     null when it was not
   */
  public record Result(Outcome outcome, String reason) {
    /** Validates. */
    public Result {
      Objects.requireNonNull(outcome, "outcome");
      if ((outcome == Outcome.REJECTED) != (reason != null)) {
        throw new IllegalArgumentException("reason: required exactly for REJECTED, got "
            + reason + " for " + outcome);
      }
    }
  }

  private final TaskCatalog start;
  private final Object lock = new Object();
  private final Map<String, TaskDeclaration> declared = new LinkedHashMap<>();
  private volatile TaskCatalog current;
  private volatile long version;

  /** @param start the configured tasks (never removed, never redeclared) */
  public DynamicTaskCatalog(TaskCatalog start) {
    this.start = Objects.requireNonNull(start, "start");
    this.current = start;
  }

  /** The current catalog: configured tasks first, then declared ones in acceptance order. */
  @Override
  public TaskCatalog get() {
    return current;
  }

  /** Number of tasks accepted from declarations so far (0 at start). */
  public long version() {
    return version;
  }

  /** The tasks accepted from declarations, in acceptance order. */
  public List<TaskDeclaration> declared() {
    synchronized (lock) {
      return List.copyOf(declared.values());
    }
  }

  /**
   * Applies one declaration (see the class comment).
   *
   * @return what happened, with the reason of a rejection
   */
  public Result declare(TaskDeclaration declaration) {
    Objects.requireNonNull(declaration, "declaration");
    try {
      spec(declaration);
    } catch (IllegalArgumentException e) {
      return new Result(Outcome.REJECTED, "declaration of task '" + declaration.name()
          + "' is not a legal task: " + e.getMessage());
    }
    synchronized (lock) {
      Optional<TaskDeclaration> known = current.find(declaration.name());
      if (known.isPresent()) {
        if (sameShape(known.get(), declaration)) {
          return new Result(Outcome.UNCHANGED, null);
        }
        return new Result(Outcome.REJECTED, "task '" + declaration.name() + "' is already "
            + describe(known.get()) + "; a redeclaration as " + describe(declaration)
            + " is ignored (a task's type and label range cannot change)");
      }
      declared.put(declaration.name(), declaration);
      publish();
      return new Result(Outcome.ACCEPTED, null);
    }
  }

  /**
   * Makes the catalog agree with a task a restored model already learns: a task the catalog
   * lacks is added, and a declaration of that name with another shape (possible after a restart:
   * the global store is restored from the topic as written, including a redeclaration that was
   * rejected while running) is replaced by the model's.
   *
   * @param task the model's task; its declaration (with {@code weight}) wins
   * @param weight the task's loss weight in the model, finite and &gt; 0
   * @return the reason if a conflicting declaration was replaced, else empty
   */
  public Optional<String> adopt(TaskSpec task, double weight) {
    TaskDeclaration mine = declaration(task, weight);
    synchronized (lock) {
      Optional<TaskDeclaration> known = current.find(task.name());
      if (known.isPresent() && sameShape(known.get(), mine)) {
        return Optional.empty();
      }
      if (start.find(task.name()).isPresent()) {
        throw new IllegalArgumentException("task '" + task.name() + "': configured as "
            + describe(start.find(task.name()).get()) + " but the stored model learns it as "
            + describe(mine));
      }
      declared.put(task.name(), mine);
      publish();
      return known.map(k -> "task '" + task.name() + "' is declared as " + describe(k)
          + " but the stored model learns it as " + describe(mine) + "; the model's is kept");
    }
  }

  /** The model task of a declaration. */
  public static TaskSpec spec(TaskDeclaration declaration) {
    return declaration.type() == TaskType.BINARY
        ? TaskSpec.binary(declaration.name())
        : TaskSpec.regression(declaration.name(), declaration.min(), declaration.max());
  }

  /** The declaration of a model task with a loss weight. */
  public static TaskDeclaration declaration(TaskSpec task, double weight) {
    return task.kind() == TaskKind.BINARY
        ? TaskDeclaration.binary(task.name(), weight)
        : TaskDeclaration.regression(task.name(), task.labelMin(), task.labelMax(), weight);
  }

  private void publish() {
    List<TaskDeclaration> all = new ArrayList<>();
    for (String name : start.names()) {
      all.add(start.find(name).orElseThrow());
    }
    all.addAll(declared.values());
    current = TaskCatalog.of(all);
    version++;
  }

  private static boolean sameShape(TaskDeclaration a, TaskDeclaration b) {
    return a.type() == b.type() && Objects.equals(a.min(), b.min())
        && Objects.equals(a.max(), b.max());
  }

  private static String describe(TaskDeclaration d) {
    return d.type() == TaskType.BINARY ? "binary"
        : "regression in [" + d.min() + ", " + d.max() + "]";
  }
}
