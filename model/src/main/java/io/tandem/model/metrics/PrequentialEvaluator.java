package io.tandem.model.metrics;

import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Scores a learner prequentially (each event predicted before it is learned), per task:
 * predictions against labels, predictions against the ground truth when it is known, and the
 * oracle (the truth itself as the prediction) against the labels next to them.
 *
 * <p>Three views per task: {@link #overall} (every event so far), {@link #recent} (a sliding
 * window of the task's last {@code window} events) and {@link #windows()} (tumbling windows of
 * {@code window} consecutive events of the whole stream, all tasks counted, so that window k
 * covers stream positions {@code [k * window, (k + 1) * window)} for every task alike — a drift
 * at stream position N shows up in the same window for all tasks).
 *
 * <p>Not thread-safe. Memory: the overall AUC keeps every binary score (8 bytes per event).
 */
public final class PrequentialEvaluator {

  private final List<TaskSpec> tasks;
  private final int window;
  private final Map<String, TaskState> states = new LinkedHashMap<>();
  private final List<WindowReport> closed = new ArrayList<>();
  private long events;

  /**
   * An evaluator with nothing recorded.
   *
   * @param tasks the tasks to score, non-empty, distinct names
   * @param window the size of the sliding and tumbling windows in events, &gt;= 1
   * @throws IllegalArgumentException on an empty task list, a duplicate name or {@code window <
   *     1}
   */
  public PrequentialEvaluator(List<TaskSpec> tasks, int window) {
    this.tasks = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
    if (this.tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks: at least one task is required");
    }
    if (window < 1) {
      throw new IllegalArgumentException("window: must be >= 1 events, got " + window);
    }
    this.window = window;
    for (TaskSpec spec : this.tasks) {
      if (states.put(spec.name(), new TaskState(spec, window)) != null) {
        throw new IllegalArgumentException("tasks: duplicate task name '" + spec.name() + "'");
      }
    }
  }

  /** The tasks scored, in construction order. */
  public List<TaskSpec> tasks() {
    return tasks;
  }

  /** The window size in events. */
  public int window() {
    return window;
  }

  /** How many events have been recorded, all tasks together. */
  public long events() {
    return events;
  }

  /**
   * Records one prequential prediction.
   *
   * @param task a task given at construction
   * @param prediction the learner's score made before learning the event: a probability for a
   *     binary task, a value for a regression; finite
   * @param label the event's label, legal for its task ({@link TaskSpec#accepts})
   * @param truth the ground truth (true click probability in [0, 1], or expected rating), or NaN
   *     when unknown
   * @throws IllegalArgumentException for an unknown task, a non-finite prediction, an illegal
   *     label or truth; nothing is recorded then
   */
  public void record(String task, double prediction, double label, double truth) {
    TaskState state = states.get(task);
    if (state == null) {
      throw new IllegalArgumentException(
          "task: '" + task + "' is not evaluated; known tasks are " + states.keySet());
    }
    if (!Double.isFinite(prediction)) {
      throw new IllegalArgumentException(
          "prediction for task '" + task + "': must be finite, got " + prediction);
    }
    if (!state.spec.accepts(label)) {
      throw new IllegalArgumentException("label for task '" + task + "': not accepted by a "
          + state.spec.kind() + " task with range [" + state.spec.labelMin() + ", "
          + state.spec.labelMax() + "], got " + label);
    }
    boolean truthKnown = !Double.isNaN(truth);
    if (truthKnown && (!Double.isFinite(truth)
        || state.spec.kind() == TaskKind.BINARY && (truth < 0.0 || truth > 1.0))) {
      throw new IllegalArgumentException("truth for task '" + task + "': must be NaN (unknown)"
          + (state.spec.kind() == TaskKind.BINARY ? " or a probability in [0, 1]" : " or finite")
          + ", got " + truth);
    }
    state.overall.add(prediction, label, truth, truthKnown);
    state.recent.add(prediction, label, truth, truthKnown);
    state.current.add(prediction, label, truth, truthKnown);
    events++;
    if (events % window == 0) {
      Map<String, TaskReport> reports = new LinkedHashMap<>();
      for (TaskState s : states.values()) {
        reports.put(s.spec.name(), s.current.report(s.spec.name()));
        s.current = Triple.cumulative(s.spec);
      }
      closed.add(new WindowReport(closed.size(), events - window, window, reports));
    }
  }

  /**
   * Every event of {@code task} so far.
   *
   * @throws IllegalArgumentException for an unknown task
   */
  public TaskReport overall(String task) {
    return state(task).overall.report(task);
  }

  /**
   * The last {@code window} events of {@code task} (a sliding window).
   *
   * @throws IllegalArgumentException for an unknown task
   */
  public TaskReport recent(String task) {
    return state(task).recent.report(task);
  }

  /** The completed tumbling windows, oldest first (an unmodifiable view). */
  public List<WindowReport> windows() {
    return Collections.unmodifiableList(closed);
  }

  private TaskState state(String task) {
    TaskState state = states.get(task);
    if (state == null) {
      throw new IllegalArgumentException(
          "task: '" + task + "' is not evaluated; known tasks are " + states.keySet());
    }
    return state;
  }

  /** The three views of one task. */
  private static final class TaskState {
    final TaskSpec spec;
    final Triple overall;
    final Triple recent;
    Triple current;

    TaskState(TaskSpec spec, int window) {
      this.spec = spec;
      this.overall = Triple.cumulative(spec);
      this.recent = Triple.windowed(spec, window);
      this.current = Triple.cumulative(spec);
    }
  }

  /** Model vs label, model vs truth, oracle vs label, over one span. */
  private record Triple(
      ScoreAccumulator model, ScoreAccumulator modelVsTruth, ScoreAccumulator oracle) {

    static Triple cumulative(TaskSpec spec) {
      boolean binary = spec.kind() == TaskKind.BINARY;
      return new Triple(
          ScoreAccumulator.cumulative(binary ? TargetKind.BINARY_LABEL : TargetKind.REAL),
          ScoreAccumulator.cumulative(binary ? TargetKind.PROBABILITY : TargetKind.REAL),
          ScoreAccumulator.cumulative(binary ? TargetKind.BINARY_LABEL : TargetKind.REAL));
    }

    static Triple windowed(TaskSpec spec, int window) {
      boolean binary = spec.kind() == TaskKind.BINARY;
      return new Triple(
          ScoreAccumulator.windowed(binary ? TargetKind.BINARY_LABEL : TargetKind.REAL, window),
          ScoreAccumulator.windowed(binary ? TargetKind.PROBABILITY : TargetKind.REAL, window),
          ScoreAccumulator.windowed(binary ? TargetKind.BINARY_LABEL : TargetKind.REAL, window));
    }

    void add(double prediction, double label, double truth, boolean truthKnown) {
      model.add(prediction, label);
      if (truthKnown) {
        modelVsTruth.add(prediction, truth);
        oracle.add(truth, label);
      }
    }

    TaskReport report(String task) {
      return new TaskReport(task, model.scores(), modelVsTruth.scores(), oracle.scores());
    }
  }
}
