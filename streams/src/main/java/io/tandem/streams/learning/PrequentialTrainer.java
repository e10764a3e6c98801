package io.tandem.streams.learning;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskLearner;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.DriftTransferController;
import io.tandem.model.transfer.TaskWatch;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionRequest;
import io.tandem.schemas.PredictionSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The prequential (predict-then-learn) micro-batch loop around one {@link MultiTaskLearner}.
 *
 * <p>Call order per batch, inside {@link #predictThenLearn}: (1) the learner scores every event of
 * the batch for every task, as it is before the batch — these are the published predictions,
 * stamped with that model version; (2) each event's score for its own task is compared with its
 * label: the loss goes into the batch result and into the task's {@link WindowedTaskMetrics};
 * (3) the learner learns from the whole batch (one step, the version grows by one) — for a
 * {@linkplain #watched watched} model through its {@link DriftTransferController}, which first
 * feeds every task's drift detector with the batch's published scores and may start, shadow and
 * decide a transfer (reported in {@link BatchResult#transfers()}). Requests ({@link #answer}) are
 * scored by the current model at once and change nothing.
 *
 * <p>The two halves can also be called apart: {@link #predictBatch} (steps 1 and 2) then
 * {@link #learnBatch} (step 3), with nothing changing the model in between, is bit for bit
 * {@code predictThenLearn}; the topology runs the second half on a trainer thread while its
 * stream thread goes on ({@link PipelinedLearning}).
 *
 * <p>Events must already be valid (known task, legal label: the validating codec's job); an event
 * the learner rejects is a programming error and fails the whole batch before any update.
 *
 * <p>Thread-safety: every method takes {@link #lock()}, so one thread may train while others ask
 * for predictions. Whoever touches the learner directly (state export and restore, HTTP serving)
 * holds the same lock.
 */
public final class PrequentialTrainer {

  /** Events per task covered by the windowed metrics unless configured otherwise. */
  public static final int DEFAULT_METRICS_WINDOW = 10_000;

  // learner, transfer and tasks change only when the model grows by a task (addTask), under lock.
  private volatile MultiTaskLearner learner;
  private volatile DriftTransferController transfer;
  private final Lock lock = new ReentrantLock();
  private volatile Map<String, TaskSpec> tasks;
  private final Map<String, WindowedTaskMetrics> metrics;
  private final int metricsWindow;

  /**
   * Wraps a learner.
   *
   * @param learner the model; from now on only touched under {@link #lock()}; not null
   * @param metricsWindow events per task the windowed metrics cover, &gt;= 1
   */
  public PrequentialTrainer(MultiTaskLearner learner, int metricsWindow) {
    this(learner, null, metricsWindow);
  }

  /**
   * Wraps a model whose tasks are watched for drift: each batch's outcomes feed the controller,
   * which learns the batch itself and may run a guarded transfer.
   *
   * @param model the model; from now on only touched under {@link #lock()}; not null
   * @param transfer settings of the drift watch and transfer; not null
   * @param metricsWindow events per task the windowed metrics cover, &gt;= 1
   */
  public static PrequentialTrainer watched(MultiTaskModel model, TransferConfig transfer,
      int metricsWindow) {
    return new PrequentialTrainer(model,
        new DriftTransferController(model, Objects.requireNonNull(transfer, "transfer")),
        metricsWindow);
  }

  private PrequentialTrainer(MultiTaskLearner learner, DriftTransferController transfer,
      int metricsWindow) {
    this.learner = Objects.requireNonNull(learner, "learner");
    this.transfer = transfer;
    Map<String, TaskSpec> byName = new LinkedHashMap<>();
    Map<String, WindowedTaskMetrics> windows = new LinkedHashMap<>();
    for (TaskSpec task : learner.tasks()) {
      byName.put(task.name(), task);
      windows.put(task.name(), new WindowedTaskMetrics(task, metricsWindow));
    }
    this.tasks = Map.copyOf(byName);
    this.metrics = windows;
    this.metricsWindow = metricsWindow;
  }

  /** Wraps a learner with {@link #DEFAULT_METRICS_WINDOW}. */
  public PrequentialTrainer(MultiTaskLearner learner) {
    this(learner, DEFAULT_METRICS_WINDOW);
  }

  /** The lock guarding the learner; hold it around any direct use of {@link #learner()}. */
  public Lock lock() {
    return lock;
  }

  /** The learner; use it only while holding {@link #lock()}. */
  public MultiTaskLearner learner() {
    return learner;
  }

  /** The learner's tasks, in its order. */
  public List<TaskSpec> tasks() {
    return learner.tasks();
  }

  /** The current model version (learning steps so far). */
  public long version() {
    lock.lock();
    try {
      return learner.version();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Scores a batch with the current model, then learns from it.
   *
   * @param events validated events, in arrival order; an empty batch predicts and learns nothing
   * @return one prediction per event (batch order, source {@link PredictionSource#EVENT}, scores
   *     for every task, the version that made them, the event's id, user, item and ts), each
   *     event's prequential outcome, and the version after learning
   * @throws IllegalArgumentException if the learner rejects an event (unknown task or illegal
   *     label); nothing is learned then
   */
  public BatchResult predictThenLearn(List<LabelledEvent> events) {
    return predictThenLearn(events, labelledOf(events));
  }

  /**
   * {@link #predictThenLearn(List)} with the events' model inputs already made, so a caller with
   * a spare thread (the offline replay's decoder) can convert while this one trains.
   *
   * @param events validated events, in arrival order; an empty batch predicts and learns nothing
   * @param labelled {@link Examples#labelled}{@code (events.get(i))} at each index i, same size
   *     as {@code events}; not copied, not changed
   * @return as {@link #predictThenLearn(List)}
   * @throws IllegalArgumentException if the two lists differ in size, or as
   *     {@link #predictThenLearn(List)}
   */
  public BatchResult predictThenLearn(List<LabelledEvent> events, List<LabelledExample> labelled) {
    lock.lock();
    try {
      Predicted predicted = predictBatch(events, labelled);
      Learned learned = learnBatch(predicted);
      return new BatchResult(predicted.predictions(), predicted.outcomes(), learned.transfers(),
          learned.versionAfter());
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------- the two halves of predictThenLearn

  /**
   * The first half of {@link #predictThenLearn(List)}: scores the batch with the current model
   * and adds each event's outcome to its task's windowed metrics; learns nothing. Hand the result
   * to {@link #learnBatch} before anything else changes the model; {@code predictBatch} then
   * {@code learnBatch} is bit for bit {@code predictThenLearn}, whichever thread runs the second.
   *
   * @param events validated events, in arrival order; not null
   * @return the predictions (as {@link #predictThenLearn(List)} returns them), the outcomes, and
   *     what the learning step needs
   * @throws IllegalArgumentException if an event's task is unknown or its label illegal (the
   *     model is unchanged then)
   */
  public Predicted predictBatch(List<LabelledEvent> events) {
    return predictBatch(events, labelledOf(events));
  }

  /** The model inputs of {@code events}, in order. */
  private static List<LabelledExample> labelledOf(List<LabelledEvent> events) {
    Objects.requireNonNull(events, "events");
    List<LabelledExample> labelled = new ArrayList<>(events.size());
    for (LabelledEvent event : events) {
      labelled.add(Examples.labelled(event));
    }
    return labelled;
  }

  /**
   * {@link #predictBatch(List)} with the events' model inputs already made.
   *
   * @param events validated events, in arrival order; not null
   * @param labelled {@link Examples#labelled}{@code (events.get(i))} at each index i, same size
   *     as {@code events}; not copied, not changed
   * @return as {@link #predictBatch(List)}
   * @throws IllegalArgumentException if the two lists differ in size, or as
   *     {@link #predictBatch(List)}
   */
  public Predicted predictBatch(List<LabelledEvent> events, List<LabelledExample> labelled) {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(labelled, "labelled");
    if (labelled.size() != events.size()) {
      throw new IllegalArgumentException("labelled: " + labelled.size() + " examples for "
          + events.size() + " events; need one per event");
    }
    if (events.isEmpty()) {
      return new Predicted(List.of(), List.of(), List.of(), List.of(), version());
    }
    List<Example> examples = new ArrayList<>(labelled.size());
    for (LabelledExample example : labelled) {
      examples.add(example.example());
    }
    lock.lock();
    try {
      long madeBy = learner.version();
      List<Map<String, Double>> scores = learner.predict(examples);
      List<Prediction> predictions = new ArrayList<>(events.size());
      List<Outcome> outcomes = new ArrayList<>(events.size());
      for (int i = 0; i < events.size(); i++) {
        LabelledEvent event = events.get(i);
        Map<String, Double> eventScores = scores.get(i);
        predictions.add(new Prediction(event.id(), PredictionSource.EVENT, event.user(),
            event.item(), eventScores, madeBy, event.ts()));
        outcomes.add(outcome(event, eventScores));
      }
      return new Predicted(predictions, outcomes, labelled, scores, madeBy);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The second half of {@link #predictThenLearn(List)}: learns the batch {@link #predictBatch}
   * scored — for a {@linkplain #watched watched} model through its drift watch, fed with the
   * published scores. Takes the lock for the whole step, so serving threads see the model before
   * or after it, never during. May run on another thread than {@code predictBatch} (the
   * topology's trainer thread), as long as nothing changed the model in between.
   *
   * @param batch the result of the last {@link #predictBatch}; an empty batch learns nothing
   * @return what the drift watch did and the version after learning
   * @throws IllegalStateException if the model is no longer at the version that scored the
   *     batch (a batch learned twice, or out of order)
   * @throws IllegalArgumentException if the learner rejects an example (as
   *     {@link #predictThenLearn(List)})
   */
  public Learned learnBatch(Predicted batch) {
    Objects.requireNonNull(batch, "batch");
    lock.lock();
    try {
      if (batch.labelled().isEmpty()) {
        return new Learned(List.of(), learner.version());
      }
      if (learner.version() != batch.madeBy()) {
        throw new IllegalStateException("learnBatch: the batch was scored by model version "
            + batch.madeBy() + ", the model is at version " + learner.version() + "; learn each"
            + " predicted batch once, in the order predicted");
      }
      List<TransferEvent> transfers = List.of();
      if (transfer == null) {
        learner.learn(batch.labelled());
      } else {
        transfers = transfer.learn(batch.labelled(), batch.scores());
      }
      return new Learned(transfers, learner.version());
    } finally {
      lock.unlock();
    }
  }

  /** Scores one event for its own task into that task's window; the caller holds the lock. */
  private Outcome outcome(LabelledEvent event, Map<String, Double> eventScores) {
    Double score = eventScores.get(event.task());
    WindowedTaskMetrics window = metrics.get(event.task());
    if (score == null || window == null) {
      throw unknownTask(event);
    }
    double loss = window.add(score, event.label());
    return new Outcome(event.task(), score, event.label(), loss);
  }

  // Kept out of the per-event path so the hot method stays small for the JIT.
  private IllegalArgumentException unknownTask(LabelledEvent event) {
    return new IllegalArgumentException("event '" + event.id() + "': task '" + event.task()
        + "' is unknown; this model has tasks " + tasks.keySet());
  }

  /**
   * Answers a request from the current model, changing nothing.
   *
   * @param request a validated request; its empty task list means every task
   * @return a prediction with source {@link PredictionSource#REQUEST}, the requested tasks'
   *     scores (in model order), the current version, the request's id, user, item and ts
   * @throws IllegalArgumentException if the request names a task the model does not have
   */
  public Prediction answer(PredictionRequest request) {
    Objects.requireNonNull(request, "request");
    for (String task : request.tasks()) {
      if (!tasks.containsKey(task)) {
        throw new IllegalArgumentException("request '" + request.id() + "': task '" + task
            + "' is unknown; this model has tasks " + tasks.keySet());
      }
    }
    Example example = Examples.of(request.user(), request.item(), request.context());
    Map<String, Double> all;
    long version;
    lock.lock();
    try {
      all = learner.predict(List.of(example)).get(0);
      version = learner.version();
    } finally {
      lock.unlock();
    }
    Map<String, Double> wanted = all;
    if (!request.tasks().isEmpty()) {
      wanted = new LinkedHashMap<>();
      for (Map.Entry<String, Double> e : all.entrySet()) {
        if (request.tasks().contains(e.getKey())) {
          wanted.put(e.getKey(), e.getValue());
        }
      }
    }
    return new Prediction(request.id(), PredictionSource.REQUEST, request.user(), request.item(),
        wanted, version, request.ts());
  }

  /** The windowed prequential metrics of every task, in model task order. */
  public List<WindowedTaskMetrics.Snapshot> metrics() {
    lock.lock();
    try {
      List<WindowedTaskMetrics.Snapshot> out = new ArrayList<>(metrics.size());
      for (WindowedTaskMetrics m : metrics.values()) {
        out.add(m.snapshot());
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The drift watch of every task, in model task order; empty when this trainer does not watch
   * for drift.
   */
  public List<TaskWatch> watches() {
    if (transfer == null) {
      return List.of();
    }
    lock.lock();
    try {
      return transfer.watches();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The drift watch's state (detectors, counters, shadow bookkeeping) to keep beside the model's
   * dense blob, or empty when this trainer does not watch for drift.
   */
  public Optional<byte[]> exportWatchState() {
    if (transfer == null) {
      return Optional.empty();
    }
    lock.lock();
    try {
      return Optional.of(transfer.exportState());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Restores the drift watch's state written by {@link #exportWatchState()} (after the model's own
   * state); ignored when this trainer does not watch for drift.
   *
   * @throws IllegalArgumentException for a blob the controller cannot read
   */
  public void importWatchState(byte[] state) {
    Objects.requireNonNull(state, "state");
    if (transfer == null) {
      return;
    }
    lock.lock();
    try {
      transfer.importState(state);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies a promotion that another replica decided for {@code task} (see
   * {@link DriftTransferController#followPromotion}): boosted tower learning rate for the
   * recovery span and a fresh warm-up of the task's watch.
   *
   * @return true if applied; false if this trainer does not watch for drift (no transfer
   *     settings to follow with) or is itself shadowing {@code task}
   * @throws IllegalArgumentException for an unknown task
   */
  public boolean followPromotion(String task) {
    Objects.requireNonNull(task, "task");
    if (transfer == null) {
      return false;
    }
    lock.lock();
    try {
      return transfer.followPromotion(task);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Grows the model by a task declared at runtime ({@link MultiTaskModel#withTask}): from now on
   * this trainer drives the grown model, the new task has its windowed metrics, and a watched
   * trainer's controller onboards it ({@link DriftTransferController#withTask}: its
   * {@code onboard} transfer events come out of later {@link #predictThenLearn} calls). Whoever
   * held the old model (a serving view) must take the new one.
   *
   * @param task the new task, not one of the model's
   * @param lossWeight its loss weight, finite and &gt; 0
   * @return the grown model
   * @throws IllegalArgumentException for a task the model has or a bad weight
   * @throws IllegalStateException if the learner is not a {@link MultiTaskModel}
   */
  public MultiTaskModel addTask(TaskSpec task, double lossWeight) {
    Objects.requireNonNull(task, "task");
    lock.lock();
    try {
      if (!(learner instanceof MultiTaskModel model)) {
        throw new IllegalStateException("addTask: only a MultiTaskModel can grow, this trainer"
            + " drives a " + learner.getClass().getSimpleName());
      }
      MultiTaskModel grown = model.withTask(task, lossWeight);
      DriftTransferController next = transfer == null ? null : transfer.withTask(grown);
      Map<String, TaskSpec> byName = new LinkedHashMap<>(tasks);
      byName.put(task.name(), task);
      metrics.put(task.name(), new WindowedTaskMetrics(task, metricsWindow));
      tasks = Map.copyOf(byName);
      transfer = next;
      learner = grown;
      return grown;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The prequential outcome of one event for its own task.
   *
   * @param task the event's task
   * @param score the score made before learning
   * @param label the event's label
   * @param loss log loss (binary) or squared error (regression) of the score
   */
  public record Outcome(String task, double score, double label, double loss) {}

  /**
   * What {@link #predictBatch} made: the batch's predictions and outcomes, and what
   * {@link #learnBatch} needs to learn it. Immutable; the lists are not copied (they are the
   * trainer's own, unmodifiable or not shared).
   *
   * @param predictions one per event, in batch order
   * @param outcomes one per event, in batch order
   * @param labelled the events as labelled examples, in batch order
   * @param scores every task's score per event (the model's output), in batch order
   * @param madeBy the model version that made the scores
   */
  public record Predicted(List<Prediction> predictions, List<Outcome> outcomes,
      List<LabelledExample> labelled, List<Map<String, Double>> scores, long madeBy) {

    /** Checks that every list is there and has one element per event. */
    public Predicted {
      Objects.requireNonNull(predictions, "predictions");
      Objects.requireNonNull(outcomes, "outcomes");
      Objects.requireNonNull(labelled, "labelled");
      Objects.requireNonNull(scores, "scores");
      int n = predictions.size();
      if (outcomes.size() != n || labelled.size() != n || scores.size() != n) {
        throw new IllegalArgumentException("predicted batch: " + n + " predictions, "
            + outcomes.size() + " outcomes, " + labelled.size() + " examples and "
            + scores.size() + " score maps; need one of each per event");
      }
    }

    /** Events in the batch. */
    public int size() {
      return predictions.size();
    }
  }

  /**
   * What one {@link #learnBatch} call did.
   *
   * @param transfers what the drift watch did during the batch (alarms, transfers started and
   *     decided), in order; empty without a drift watch
   * @param versionAfter the model version after learning the batch
   */
  public record Learned(List<TransferEvent> transfers, long versionAfter) {

    /** Copies the list. */
    public Learned {
      transfers = List.copyOf(transfers);
    }
  }

  /**
   * What one {@link #predictThenLearn} call did.
   *
   * @param predictions one per event, in batch order
   * @param outcomes one per event, in batch order
   * @param transfers what the drift watch did during the batch (alarms, transfers started and
   *     decided), in order; empty without a drift watch
   * @param versionAfter the model version after learning the batch
   */
  public record BatchResult(List<Prediction> predictions, List<Outcome> outcomes,
      List<TransferEvent> transfers, long versionAfter) {

    /** Copies the lists. */
    public BatchResult {
      predictions = List.copyOf(predictions);
      outcomes = List.copyOf(outcomes);
      transfers = List.copyOf(transfers);
    }
  }
}
