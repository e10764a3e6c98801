package io.tandem.model.transfer;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.loss.Losses;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Watches every task of one {@link MultiTaskModel} for drift and runs guarded transfers.
 *
 * <h2>One batch ({@link #learn})</h2>
 * <ol>
 *   <li>If a candidate runs in shadow for task T, it scores T's events of the batch (before
 *       learning, like the incumbent); both losses are summed for the guard.
 *   <li>Every labelled (event, task) pair is one prequential outcome of that task: the task's
 *       event count, its recent averages and its {@link DriftSignal} advance; the detector sees
 *       the signal unless the task is warming up or is itself in shadow.
 *   <li>The model learns the batch (and trains the candidate, without touching shared state).
 *   <li>When T's shadow has seen at least {@code shadowEvents} of T's events (the span ends at a
 *       batch boundary), the one with the lower mean loss serves: the candidate is promoted
 *       (its tower installed, boosted learning rate for {@code recoveryEvents}) or discarded
 *       (ROLLED_BACK; a tie keeps the incumbent). T's detector restarts and warms up again.
 *   <li>Each alarm is reported (DRIFT_DETECTED). With transfer enabled and no shadow running,
 *       the first alarmed task gets a candidate (STARTED): sources are the other tasks whose
 *       affinity towards it ({@link MultiTaskModel#affinity}(source, task)) exceeds
 *       {@code minAffinity}, best first, at most {@code maxSources}; the candidate's tower follows
 *       {@link CandidateInit} ({@code BLEND} without sources falls back to {@code KEEP};
 *       {@code RESIDUAL} is the incumbent plus a task-specific embedding residual). One
 *       shadow runs at a time: an alarm of another task meanwhile is reported and not acted on.
 *       The start also begins the re-learning boost ({@link TransferConfig#relearnEvents()},
 *       {@link MultiTaskModel#boostRelearning}), which the guard's decision does not undo.
 *   <li>With a warning detector ({@link TransferConfig#warningDelta()} &gt; 0): a task's WARNING
 *       (its more sensitive ADWIN alarmed, its drift detector not) with transfer enabled, no
 *       candidate running and no task being onboarded (so a warning never delays an onboarding)
 *       starts the same candidate in shadow, reported as STARTED with detector
 *       {@value #WARNING_DETECTOR} and trigger {@link TransferEvent.Trigger#DRIFT_WARNING}, but
 *       WITHOUT the re-learning or loss-weight boost: everything it changes is guarded. The
 *       task's drift detector keeps watching meanwhile. The guard decides as for a drift
 *       candidate; the decision restarts only the warning detector (the drift detector keeps
 *       its evidence), and a promotion, being the guard's evidence that the task changed, starts
 *       the re-learning boost when {@link TransferConfig#warningRelearn()} (off by default: the
 *       boost is unguarded, so by default it waits for a drift alarm). If the task's drift
 *       alarm comes while its warning candidate runs, that candidate becomes the drift
 *       transfer's (the boost starts, the drift detector pauses; no second candidate); if another
 *       task's drift alarm comes, the warning candidate is decided at once on the span it has
 *       seen (promoted only if strictly ahead) and the drift transfer starts.
 * </ol>
 *
 * <p>Why one source by default: tower hidden units of different tasks are not aligned (any
 * permutation of a tower's hidden units is the same function), so averaging the hidden layers of
 * several towers mixes unrelated features; with one source the blend is that source's feature
 * layer with a fresh read-out.
 *
 * <p>State: {@link #exportState()} holds this controller's part (detectors, counters, averages,
 * shadow bookkeeping); the candidate tower itself is in the model's dense blob. Export both
 * between batches; restoring both into fresh objects continues bit-identically.
 *
 * <p>Not thread-safe: one driver thread, the same that drives the model.
 */
public final class DriftTransferController {

  /** Marks a controller state blob ("TDTC"). */
  private static final int MAGIC = 0x54445443;
  /**
   * Newest state format this class writes and reads (2 added the onboardings in progress, 3 the
   * warning detectors and whether the shadow candidate was warning-started, 4 each watch's slow
   * recent signal level; versions 1 to 3 are still read).
   */
  public static final int STATE_VERSION = 4;

  /** The detector label of events about a warning-started candidate. */
  public static final String WARNING_DETECTOR = "adwin-warning";

  private final MultiTaskModel model;
  private final TransferConfig config;
  private final List<TaskSpec> tasks;
  private TaskMonitor[] monitors;
  // Tasks added at runtime being onboarded (see TaskOnboarding and withTask).
  private TaskOnboarding onboarding;

  // Shadow bookkeeping; shadow < 0 = none.
  private int shadow = -1;
  private long shadowSeen;
  private double incumbentSum;
  private double candidateSum;
  private long detectedAt;
  private List<TransferEvent.SourceTask> shadowSources = List.of();
  // Whether the running candidate was started by a warning (see the class comment).
  private boolean shadowWarning;

  /**
   * A controller for {@code model}, with fresh watches (every task warming up).
   *
   * @param model the model it drives; not null. If it carries a shadow candidate (restored from
   *     a dense blob), restore this controller's state with {@link #importState} before the
   *     first {@link #learn}.
   * @param config settings; not null
   */
  public DriftTransferController(MultiTaskModel model, TransferConfig config) {
    this.model = Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    this.tasks = model.tasks();
    this.monitors = freshMonitors();
    this.onboarding = new TaskOnboarding(config);
  }

  /** The settings. */
  public TransferConfig config() {
    return config;
  }

  /**
   * Updates the watches with the batch's published scores, learns the batch, and runs the
   * transfer steps (see the class comment).
   *
   * @param batch the labelled events, in order; not null
   * @param scores for each event, exactly what {@code model.predict} returned for it before
   *     learning (the published scores); same size as {@code batch}; must hold a finite score
   *     for every labelled task
   * @return what happened, in order; possibly empty; never null
   * @throws IllegalArgumentException for mismatched sizes or a missing or non-finite score
   *     (nothing is changed then), or what {@link MultiTaskModel#learn} rejects
   * @throws IllegalStateException if the model's shadow candidate does not match this
   *     controller's state (e.g. only one of the two was restored)
   */
  public List<TransferEvent> learn(List<LabelledExample> batch, List<Map<String, Double>> scores) {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(scores, "scores");
    checkScores(batch, scores);
    String modelShadow = model.shadowTask();
    String mine = shadow < 0 ? onboarding.shadowTask() : tasks.get(shadow).name();
    if (!Objects.equals(modelShadow, mine)) {
      throw new IllegalStateException("transfer: the model's shadow candidate (" + modelShadow
          + ") does not match the controller's (" + mine + "); restore both states together");
    }
    List<TransferEvent> out = new ArrayList<>();
    if (shadow >= 0) {
      scoreShadow(batch, scores);
    }
    List<Integer> alarmed = new ArrayList<>();
    List<Integer> warned = new ArrayList<>();
    observe(batch, scores, alarmed, warned);
    onboarding.observe(model, batch, scores);
    model.learn(batch);
    long version = model.version();
    if (shadow >= 0 && shadowSeen >= config.shadowEvents()) {
      out.add(decide(version));
    }
    if (shadow < 0) {
      out.addAll(onboarding.afterLearn(model, version));
    }
    if (!alarmed.isEmpty() || !warned.isEmpty()) {
      react(alarmed, warned, version, out);
    }
    return List.copyOf(out);
  }

  /**
   * Step 2 of {@link #learn}: every labelled (event, task) pair advances that task's monitor, in
   * event order and, within an event, model task order; collects the tasks whose monitor alarmed
   * (DRIFT) or warned, each once, in first-alarm order.
   */
  private void observe(List<LabelledExample> batch, List<Map<String, Double>> scores,
      List<Integer> alarmed, List<Integer> warned) {
    for (int i = 0; i < batch.size(); i++) {
      Map<String, Double> labels = batch.get(i).labels();
      for (int t = 0; t < tasks.size(); t++) {
        Double label = labels.get(tasks.get(t).name());
        if (label == null) {
          continue;
        }
        double score = scores.get(i).get(tasks.get(t).name());
        TaskMonitor.Outcome outcome = monitors[t].observe(score, label,
            t == shadow && !shadowWarning, t == shadow);
        if (outcome == TaskMonitor.Outcome.DRIFT && !alarmed.contains(t)) {
          alarmed.add(t);
        } else if (outcome == TaskMonitor.Outcome.WARNING && !warned.contains(t)) {
          warned.add(t);
        }
      }
    }
  }

  /**
   * Steps 5 and 6 of {@link #learn}, after the model learned the batch: reports each alarm and
   * starts, adopts or replaces candidates (see the class comment). Rare, so kept out of the
   * per-batch path the JIT compiles hot.
   */
  private void react(List<Integer> alarmed, List<Integer> warned, long version,
      List<TransferEvent> out) {
    for (int t : alarmed) {
      TaskMonitor m = monitors[t];
      out.add(new TransferEvent(TransferEvent.Kind.DRIFT_DETECTED, m.task.name(),
          TransferEvent.Action.TRANSFER, config.detector().label(), m.taskEvents, List.of(),
          metric(m.task), m.recentLoss(), null, version));
      if (!config.transferEnabled() || onboarding.shadowTask() != null) {
        continue;
      }
      if (shadow == t && shadowWarning) {
        adoptWarningCandidate(m);
      } else if (shadow >= 0 && shadowWarning) {
        out.add(decide(version));
        out.add(start(t, version, false));
      } else if (shadow < 0) {
        out.add(start(t, version, false));
      }
    }
    for (int t : warned) {
      if (config.transferEnabled() && shadow < 0 && onboarding.tasks().isEmpty()
          && !alarmed.contains(t)) {
        out.add(start(t, version, true));
      }
    }
  }

  /** Per task, in the model's task order: the watch's current view. */
  public List<TaskWatch> watches() {
    List<TaskWatch> out = new ArrayList<>(monitors.length);
    for (int t = 0; t < monitors.length; t++) {
      out.add(monitors[t].view(t == shadow
          || tasks.get(t).name().equals(onboarding.shadowTask())));
    }
    return List.copyOf(out);
  }

  /**
   * The controller's state as a versioned blob (magic "TDTC", int version, detector and signal,
   * task names, per task its watch, then the shadow bookkeeping). The model's own state (the
   * candidate tower included) is in {@link MultiTaskModel#exportDense()}.
   */
  public byte[] exportState() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(STATE_VERSION);
      out.writeUTF(config.detector().name());
      out.writeUTF(config.signal().name());
      out.writeInt(monitors.length);
      for (TaskMonitor m : monitors) {
        m.write(out);
      }
      out.writeInt(shadow);
      out.writeLong(shadowSeen);
      out.writeDouble(incumbentSum);
      out.writeDouble(candidateSum);
      out.writeLong(detectedAt);
      out.writeInt(shadowSources.size());
      for (TransferEvent.SourceTask s : shadowSources) {
        out.writeUTF(s.task());
        out.writeDouble(s.affinity());
      }
      onboarding.write(out);
      out.writeBoolean(shadowWarning);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Replaces this controller's state with one from {@link #exportState()} of a controller with
   * the same detector, signal and tasks.
   *
   * @throws IllegalArgumentException for a foreign, newer ("supports at most version N"),
   *     mismatched or corrupt blob; the state is unchanged then
   */
  public void importState(byte[] state) {
    Objects.requireNonNull(state, "state");
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IllegalArgumentException("transfer state: not a Tandem transfer-controller"
            + " state (magic 0x" + Integer.toHexString(magic) + ")");
      }
      int version = in.readInt();
      if (version < 1 || version > STATE_VERSION) {
        throw new IllegalArgumentException("transfer state: format version " + version
            + " is not readable by this build, which supports at most version " + STATE_VERSION);
      }
      String detector = in.readUTF();
      String signal = in.readUTF();
      if (!detector.equals(config.detector().name()) || !signal.equals(config.signal().name())) {
        throw new IllegalArgumentException("transfer state: written with detector " + detector
            + " and signal " + signal + ", this controller uses " + config.detector() + " and "
            + config.signal());
      }
      int count = in.readInt();
      if (count != tasks.size()) {
        throw new IllegalArgumentException("transfer state: " + count + " tasks, this model has "
            + tasks.size());
      }
      TaskMonitor[] restored = freshMonitors();
      for (TaskMonitor m : restored) {
        m.read(in, version);
      }
      int s = in.readInt();
      if (s < -1 || s >= tasks.size()) {
        throw new IllegalArgumentException("transfer state: shadow task index " + s);
      }
      long seen = in.readLong();
      double incumbent = in.readDouble();
      double candidate = in.readDouble();
      long at = in.readLong();
      int n = in.readInt();
      if (n < 0 || n > tasks.size()) {
        throw new IllegalArgumentException("transfer state: " + n + " sources");
      }
      List<TransferEvent.SourceTask> sources = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        sources.add(new TransferEvent.SourceTask(in.readUTF(), in.readDouble()));
      }
      TaskOnboarding onboardings = new TaskOnboarding(config);
      if (version >= 2) {
        onboardings.read(in, tasks);
      }
      boolean warningStarted = version >= 3 && in.readBoolean();
      if (warningStarted && s < 0) {
        throw new IllegalArgumentException("transfer state: a warning-started candidate"
            + " without a shadow task");
      }
      if (in.available() != 0) {
        throw new IllegalArgumentException("transfer state: " + in.available()
            + " unexpected trailing bytes");
      }
      monitors = restored;
      shadow = s;
      shadowSeen = seen;
      incumbentSum = incumbent;
      candidateSum = candidate;
      detectedAt = at;
      shadowSources = List.copyOf(sources);
      shadowWarning = warningStarted;
      onboarding = onboardings;
    } catch (IOException e) {
      throw new IllegalArgumentException("transfer state: truncated or malformed", e);
    }
  }

  /**
   * Starts a transfer for {@code task} now, as if its detector had alarmed after the last batch
   * (no DRIFT_DETECTED is reported): for experiments that trigger at the true drift point and
   * for tests.
   *
   * @return the STARTED event
   * @throws IllegalStateException if a shadow candidate already runs
   */
  TransferEvent startTransfer(String task) {
    if (shadow >= 0) {
      throw new IllegalStateException("startTransfer: a shadow candidate for task '"
          + tasks.get(shadow).name() + "' already runs");
    }
    for (int t = 0; t < tasks.size(); t++) {
      if (tasks.get(t).name().equals(task)) {
        return start(t, model.version(), false);
      }
    }
    throw new IllegalArgumentException("task '" + task + "': unknown");
  }

  /**
   * Applies a promotion that ANOTHER replica of this model decided for {@code task} (scale-out:
   * each stream task runs its own controller): the task's tower learns at
   * {@code learningRateBoost} for {@code recoveryEvents} model events (what promoting a
   * {@link CandidateInit#KEEP} candidate amounts to: the incumbent re-learning at the boosted
   * rate; a candidate tower is not shipped between replicas, nor is a
   * {@link CandidateInit#RESIDUAL} candidate's residual, so a follower gets this tower boost
   * instead) and the task's watch restarts its
   * warm-up, so the drift the other replica already handled does not alarm here as well. Reports
   * no event and publishes nothing.
   *
   * @param task a task of the model
   * @return true if applied; false (nothing changed) while this controller runs a shadow
   *     candidate for {@code task}: its own guard decides that task
   * @throws IllegalArgumentException for an unknown task
   */
  public boolean followPromotion(String task) {
    for (int t = 0; t < tasks.size(); t++) {
      if (tasks.get(t).name().equals(task)) {
        if (t == shadow) {
          return false;
        }
        model.boostTowerLearningRate(task, config.learningRateBoost(), config.recoveryEvents());
        monitors[t].restart(config.warmupEvents());
        return true;
      }
    }
    throw new IllegalArgumentException("task '" + task + "': unknown; this model has tasks "
        + tasks.stream().map(TaskSpec::name).toList());
  }

  /**
   * The controller of {@code grown}, this controller's model grown by one task
   * ({@link MultiTaskModel#withTask}): every watch, the shadow bookkeeping and the onboardings in
   * progress are carried over, the new task gets a fresh watch (warming up) and its onboarding
   * starts ({@link TaskOnboarding}: collect {@code onboardEvents} of its events, warm-start a
   * candidate from the most related task, guard it in shadow, report
   * {@link TransferEvent.Action#ONBOARD} events). This controller is not changed; drive only the
   * returned one (with {@code grown}) from now on.
   *
   * @param grown the grown model: this controller's tasks plus exactly one more, last
   * @return the controller of {@code grown}
   * @throws IllegalArgumentException if {@code grown}'s tasks are not this model's plus one
   */
  public DriftTransferController withTask(MultiTaskModel grown) {
    Objects.requireNonNull(grown, "grown");
    List<TaskSpec> grownTasks = grown.tasks();
    if (grownTasks.size() != tasks.size() + 1
        || !grownTasks.subList(0, tasks.size()).equals(tasks)) {
      throw new IllegalArgumentException("grown: tasks " + grownTasks.stream()
          .map(TaskSpec::name).toList() + " are not this model's tasks " + tasks.stream()
          .map(TaskSpec::name).toList() + " plus one");
    }
    DriftTransferController next = new DriftTransferController(grown, config);
    try {
      for (int t = 0; t < monitors.length; t++) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        monitors[t].write(new DataOutputStream(bytes));
        next.monitors[t].read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())),
            STATE_VERSION);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    next.shadow = shadow;
    next.shadowSeen = shadowSeen;
    next.incumbentSum = incumbentSum;
    next.candidateSum = candidateSum;
    next.detectedAt = detectedAt;
    next.shadowSources = shadowSources;
    next.shadowWarning = shadowWarning;
    next.onboarding = onboarding.copy();
    next.onboarding.add(grown, grownTasks.get(tasks.size()));
    return next;
  }

  /** The tasks being onboarded (collecting their first events or in shadow), in order added. */
  public List<String> onboardingTasks() {
    return onboarding.tasks();
  }

  // ---------------------------------------------------------------- internals

  private TaskMonitor[] freshMonitors() {
    TaskMonitor[] out = new TaskMonitor[tasks.size()];
    for (int t = 0; t < out.length; t++) {
      out[t] = new TaskMonitor(tasks.get(t), config.detector(), config.signal(),
          config.warmupEvents(), config.warningDelta());
    }
    return out;
  }

  private void checkScores(List<LabelledExample> batch, List<Map<String, Double>> scores) {
    if (batch.size() != scores.size()) {
      throw new IllegalArgumentException("scores: " + scores.size() + " score maps for "
          + batch.size() + " events; need one per event");
    }
    for (int i = 0; i < batch.size(); i++) {
      LabelledExample example = batch.get(i);
      Map<String, Double> score = scores.get(i);
      if (example == null || score == null) {
        throw new IllegalArgumentException("batch[" + i + "] / scores[" + i
            + "]: must not be null");
      }
      for (String task : example.labels().keySet()) {
        Double s = score.get(task);
        if (s == null || !Double.isFinite(s)) {
          throw new IllegalArgumentException("scores[" + i + "]." + task
              + ": a finite published score is required for a labelled task, got " + s);
        }
      }
    }
  }

  private void scoreShadow(List<LabelledExample> batch, List<Map<String, Double>> scores) {
    TaskSpec task = tasks.get(shadow);
    List<Example> examples = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i).labels().containsKey(task.name())) {
        examples.add(batch.get(i).example());
        positions.add(i);
      }
    }
    if (examples.isEmpty()) {
      return;
    }
    double[] candidate = model.predictShadow(examples);
    for (int k = 0; k < candidate.length; k++) {
      int i = positions.get(k);
      double label = batch.get(i).labels().get(task.name());
      incumbentSum += Losses.loss(task, scores.get(i).get(task.name()), label);
      candidateSum += Losses.loss(task, candidate[k], label);
      shadowSeen++;
    }
  }

  /**
   * The guard's decision on the running candidate, over the span it has seen (a candidate that
   * has seen nothing yet, preempted at once, ties: both losses are the task's recent loss).
   */
  private TransferEvent decide(long version) {
    TaskMonitor m = monitors[shadow];
    double incumbent = shadowSeen == 0 ? m.recentLoss() : incumbentSum / shadowSeen;
    double candidate = shadowSeen == 0 ? m.recentLoss() : candidateSum / shadowSeen;
    boolean promote = candidate < incumbent;
    if (promote) {
      model.promoteShadow(config.recoveryEvents());
      m.promotions++;
      if (shadowWarning && config.warningRelearn()) {
        boostRelearning(m);
      }
    } else {
      model.discardShadow();
      m.rollbacks++;
    }
    if (shadowWarning) {
      m.restartWarning(config.warmupEvents());
    } else {
      m.restart(config.warmupEvents());
    }
    TransferEvent event = new TransferEvent(
        promote ? TransferEvent.Kind.PROMOTED : TransferEvent.Kind.ROLLED_BACK, m.task.name(),
        TransferEvent.Action.TRANSFER, detectorLabel(shadowWarning), detectedAt, shadowSources,
        metric(m.task), incumbent, candidate, version, trigger(shadowWarning));
    shadow = -1;
    shadowWarning = false;
    shadowSeen = 0;
    incumbentSum = 0;
    candidateSum = 0;
    detectedAt = 0;
    shadowSources = List.of();
    return event;
  }

  /**
   * Starts the configured candidate for task {@code t}; with {@code warning}, a warning-started
   * one (no loss-weight or re-learning boost, the drift detector keeps watching).
   */
  private TransferEvent start(int t, long version, boolean warning) {
    TaskMonitor m = monitors[t];
    List<TransferEvent.SourceTask> sources = chooseSources(t);
    CandidateInit init = config.candidateInit();
    if (init == CandidateInit.BLEND && sources.isEmpty()) {
      init = CandidateInit.KEEP;
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    for (TransferEvent.SourceTask s : sources) {
      weights.put(s.task(), s.affinity());
    }
    if (init == CandidateInit.RESIDUAL) {
      model.attachResidualShadow(m.task.name(), config.residualLearningRate());
    } else {
      MultiTaskModel.ShadowStart start = switch (init) {
        case BLEND -> MultiTaskModel.ShadowStart.BLEND_SOURCES;
        case KEEP -> MultiTaskModel.ShadowStart.COPY_INCUMBENT;
        case RESET -> MultiTaskModel.ShadowStart.RESET;
        case RESIDUAL -> throw new IllegalStateException("unreachable: " + init);
      };
      model.attachShadow(m.task.name(), start, weights, m.recentTrainingTarget(),
          config.learningRateBoost());
    }
    if (!warning) {
      boostAfterDrift(m);
    }
    shadow = t;
    shadowWarning = warning;
    shadowSeen = 0;
    incumbentSum = 0;
    candidateSum = 0;
    detectedAt = m.taskEvents;
    shadowSources = sources;
    return new TransferEvent(TransferEvent.Kind.STARTED, m.task.name(),
        TransferEvent.Action.TRANSFER, detectorLabel(warning), detectedAt, sources,
        metric(m.task), m.recentLoss(), null, version, trigger(warning));
  }

  /** The unguarded boosts a drift alarm starts (loss weight, re-learning), as configured. */
  private void boostAfterDrift(TaskMonitor m) {
    if (config.lossWeightBoost() > 1.0) {
      model.boostLossWeight(m.task.name(), config.lossWeightBoost(), config.recoveryEvents());
    }
    boostRelearning(m);
  }

  private void boostRelearning(TaskMonitor m) {
    if (config.relearnEvents() > 0
        && (config.relearnEmbeddingBoost() > 1.0 || config.relearnSharedBoost() > 1.0)) {
      model.boostRelearning(m.task.name(), config.relearnEmbeddingBoost(),
          config.relearnSharedBoost(), config.relearnEvents());
    }
  }

  /**
   * The task's drift alarm while its warning-started candidate runs: the candidate, already
   * learning, becomes the drift transfer's (its guard span goes on), the drift boosts start and
   * the drift detector pauses until the decision. No event: the DRIFT_DETECTED just reported says
   * it, and the decision will carry the drift detector's label.
   */
  private void adoptWarningCandidate(TaskMonitor m) {
    shadowWarning = false;
    boostAfterDrift(m);
  }

  private String detectorLabel(boolean warning) {
    return warning ? WARNING_DETECTOR : config.detector().label();
  }

  private static TransferEvent.Trigger trigger(boolean warning) {
    return warning ? TransferEvent.Trigger.DRIFT_WARNING : TransferEvent.Trigger.DRIFT;
  }

  /**
   * The source tasks of task {@code t}: other tasks with affinity towards it above
   * {@code minAffinity}, best first (ties by name), at most {@code maxSources}.
   */
  List<TransferEvent.SourceTask> chooseSources(int t) {
    String target = tasks.get(t).name();
    List<TransferEvent.SourceTask> candidates = new ArrayList<>();
    for (TaskSpec source : tasks) {
      if (source.name().equals(target)) {
        continue;
      }
      double a = model.affinity(source.name(), target);
      if (a > config.minAffinity()) {
        candidates.add(new TransferEvent.SourceTask(source.name(), a));
      }
    }
    candidates.sort(Comparator.comparingDouble(TransferEvent.SourceTask::affinity).reversed()
        .thenComparing(TransferEvent.SourceTask::task));
    return List.copyOf(candidates.subList(0, Math.min(config.maxSources(), candidates.size())));
  }

  private static String metric(TaskSpec task) {
    return task.kind() == TaskKind.BINARY ? "logloss" : "squared_error";
  }
}
