package io.tandem.model.transfer;

import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.generator.DriftSpec;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.loss.Losses;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Drift detection and transfer measured on the generator's ground truth, Kafka-free: the same
 * predict-then-learn loop the streams layer runs (micro-batches, prequential scores), on a
 * {@link StreamGenerator} stream whose drift schedule and true probabilities are known.
 *
 * <h2>What is measured</h2>
 * <ul>
 *   <li>{@link #studyDetectors}: one model run; every (detector, signal) pair watches every task
 *       side by side on the same prequential outcomes (each with the configured warm-up). Per
 *       pair: alarms before the drift (false alarms; all alarms on a stream without drift) and
 *       the first alarm after it, as a delay in the drifted task's own events.
 *   <li>{@link #recover}: one run per mode. Recovery = the number of the drifted task's events
 *       after the drift start until the mean loss over its last {@code window} events is within
 *       {@code tolerance} (relative) of the mean over the {@code window} events before the drift,
 *       after it first rose above that band (a gradual drift bites late), and stays within it
 *       for {@code window} more events (a mean that dips under the level for a few events while
 *       the loss still rises is no recovery; see {@link #recovery}); windows are taken from
 *       the first full post-drift one on; 0 when the loss never left the band. The
 *       oracle (the generator's true probabilities or expected ratings) is scored on the same
 *       events; its loss is the floor. The windowed loss of a few thousand events swings by
 *       several percent with the luck of the draw (which users, which labels; the oracle's own
 *       windowed loss moves as much), which would make a 5% criterion fire by chance, so the
 *       reported recovery is measured on the oracle-corrected loss {@code l - l_oracle +
 *       mean_pre(l_oracle)} (same events, the draw's luck cancels); the plain criterion is
 *       reported beside it as the raw recovery.
 * </ul>
 *
 * <p>Deterministic: everything is seeded. Not thread-safe; each call builds its own model.
 */
public final class RecoveryExperiment {

  /**
   * One experiment's settings.
   *
   * @param stream the generated stream (its first drift, if any, is the one measured); not null
   * @param model the model's hyperparameters; not null
   * @param transfer the controller's settings (its detector, signal and warm-up also apply to
   *     the detector study); not null
   * @param batchSize micro-batch size, &gt;= 1
   * @param window span of the windowed loss, in the drifted task's events, &gt;= 1
   * @param tolerance relative recovery tolerance, in (0, 1)
   */
  public record Setup(GeneratorConfig stream, ModelConfig model, TransferConfig transfer,
      int batchSize, int window, double tolerance) {

    /** Validates. */
    public Setup {
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(transfer, "transfer");
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize: must be >= 1, got " + batchSize);
      }
      if (window < 1) {
        throw new IllegalArgumentException("window: must be >= 1, got " + window);
      }
      if (!(tolerance > 0 && tolerance < 1)) {
        throw new IllegalArgumentException("tolerance: must be in (0, 1), got " + tolerance);
      }
    }

    /** A copy with another stream. */
    public Setup withStream(GeneratorConfig value) {
      return new Setup(value, model, transfer, batchSize, window, tolerance);
    }

    /** A copy with other transfer settings. */
    public Setup withTransfer(TransferConfig value) {
      return new Setup(stream, model, value, batchSize, window, tolerance);
    }
  }

  /** How the run reacts to the detector's alarms. */
  public enum Mode {
    /** Alarms are reported, nothing else happens. */
    NO_TRANSFER,
    /** Alarms start guarded transfers. */
    TRANSFER,
    /**
     * A guarded transfer starts right after the first batch holding a drifted event of the task
     * (an oracle trigger: zero detection delay); the detector's own alarms start nothing.
     */
    TRANSFER_AT_DRIFT
  }

  /**
   * One (detector, signal) pair's alarms on one task.
   *
   * @param detector the detector
   * @param signal the signal
   * @param task the task watched
   * @param alarmsBeforeDrift alarms before the drift start (all alarms without a drift)
   * @param detectionDelay task events from the drift start to the first alarm at or after it;
   *     -1 if none (or no drift of this task)
   */
  public record DetectorScore(DetectorKind detector, DriftSignal signal, String task,
      long alarmsBeforeDrift, long detectionDelay) {}

  /**
   * One recovery run.
   *
   * @param mode the mode
   * @param task the drifted task
   * @param driftAtTaskEvent the drifted task's events before the drift start
   * @param falseAlarms the drifted task's alarms before the drift start
   * @param detectionDelay task events from the drift start to the first alarm after it, -1 if none
   * @param preDriftLoss the model's mean loss over the window before the drift
   * @param postDriftLoss the model's mean loss over the first window after the drift start
   * @param recoveryEvents task events until recovered, measured on the oracle-corrected loss (see
   *     the class comment), -1 if not within the run
   * @param rawRecoveryEvents the same on the plain windowed loss, -1 if not within the run
   * @param finalLoss the model's mean loss over the task's last window of the run
   * @param oraclePreDriftLoss the oracle's mean loss over the window before the drift
   * @param oracleFinalLoss the oracle's mean loss over the last window
   * @param postDriftEvents the drifted task's events from the drift start to the end of the run
   *     (a recovery of -1 means "more than this")
   * @param otherFinalLoss the model's mean loss over the last {@code window} events of the other
   *     tasks (their own units: log loss, squared error; to see what a recipe costs them)
   * @param events every transfer event of the run, in order
   */
  public record Result(Mode mode, String task, long driftAtTaskEvent, long falseAlarms,
      long detectionDelay, double preDriftLoss, double postDriftLoss, long recoveryEvents,
      long rawRecoveryEvents, double finalLoss, double oraclePreDriftLoss, double oracleFinalLoss,
      long postDriftEvents, double otherFinalLoss, List<TransferEvent> events) {

    /** Validates and copies. */
    public Result {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(task, "task");
      events = List.copyOf(events);
    }

    /** Number of events of {@code kind}. */
    public long count(TransferEvent.Kind kind) {
      return events.stream().filter(e -> e.kind() == kind).count();
    }
  }

  private RecoveryExperiment() {}

  /**
   * Runs the model once over the stream and scores every (detector, signal) pair on every task
   * (see the class comment).
   *
   * @return one score per detector kind except {@code NONE}, signal and task, in that order
   */
  public static List<DetectorScore> studyDetectors(Setup setup) {
    Objects.requireNonNull(setup, "setup");
    MultiTaskModel model = MultiTaskModel.create(setup.model(), StreamGenerator.TASKS);
    List<TaskSpec> tasks = model.tasks();
    List<DetectorKind> kinds = List.of(DetectorKind.ADWIN, DetectorKind.PAGE_HINKLEY,
        DetectorKind.DDM);
    DriftSignal[] signals = DriftSignal.values();
    int pairs = kinds.size() * signals.length;
    TaskMonitor[][] monitors = new TaskMonitor[tasks.size()][pairs];
    long[][] before = new long[tasks.size()][pairs];
    long[][] delay = new long[tasks.size()][pairs];
    for (int t = 0; t < tasks.size(); t++) {
      Arrays.fill(delay[t], -1);
      for (int k = 0; k < kinds.size(); k++) {
        for (int s = 0; s < signals.length; s++) {
          monitors[t][k * signals.length + s] = new TaskMonitor(tasks.get(t), kinds.get(k),
              signals[s], setup.transfer().warmupEvents());
        }
      }
    }
    DriftSpec drift = setup.stream().drifts().isEmpty() ? null : setup.stream().drifts().get(0);
    long[] atDrift = new long[tasks.size()];
    Arrays.fill(atDrift, -1);
    StreamGenerator generator = new StreamGenerator(setup.stream());
    long position = 0;
    while (generator.hasNext()) {
      ScoredBatch scored = scoreNext(generator, setup.batchSize(), model);
      List<GeneratedEvent> events = scored.events();
      List<LabelledExample> batch = scored.batch();
      List<Map<String, Double>> scores = scored.scores();
      for (int i = 0; i < events.size(); i++, position++) {
        GeneratedEvent e = events.get(i);
        int t = taskIndex(tasks, e.task());
        boolean drifted = drift != null && drift.task().equals(e.task())
            && position >= drift.atEvent();
        if (drifted && atDrift[t] < 0) {
          atDrift[t] = monitors[t][0].taskEvents;
        }
        double score = scores.get(i).get(e.task());
        for (int p = 0; p < pairs; p++) {
          if (monitors[t][p].observe(score, e.label(), false)) {
            if (!drifted) {
              before[t][p]++;
            } else if (delay[t][p] < 0) {
              delay[t][p] = monitors[t][p].taskEvents - atDrift[t];
            }
          }
        }
      }
      model.learn(batch);
    }
    List<DetectorScore> out = new ArrayList<>();
    for (int k = 0; k < kinds.size(); k++) {
      for (int s = 0; s < signals.length; s++) {
        for (int t = 0; t < tasks.size(); t++) {
          int p = k * signals.length + s;
          out.add(new DetectorScore(kinds.get(k), signals[s], tasks.get(t).name(), before[t][p],
              delay[t][p]));
        }
      }
    }
    return out;
  }

  /**
   * One warning detector's alarms on one task, beside the drift detector's (same run).
   *
   * @param warningDelta the warning ADWIN's delta
   * @param task the task watched
   * @param warningsBeforeDrift warnings before the drift start (all warnings without a drift)
   * @param warningDelay task events from the drift start to the first warning at or after it;
   *     -1 if none (or no drift of this task)
   * @param alarmsBeforeDrift drift alarms before the drift start
   * @param alarmDelay task events from the drift start to the first drift alarm; -1 if none
   */
  public record WarningScore(double warningDelta, String task, long warningsBeforeDrift,
      long warningDelay, long alarmsBeforeDrift, long alarmDelay) {}

  /**
   * Runs the model once over the stream; per task, one watch per warning delta (the setup's
   * detector, signal and warm-up; ADWIN warning detector of that delta) counts warnings and drift
   * alarms as {@link #studyDetectors} does. Each warning pauses that warning detector for the
   * shadow span plus the warm-up, as a started candidate would; nothing is acted on.
   *
   * @return one score per delta and task, in that order
   */
  public static List<WarningScore> studyWarnings(Setup setup, double[] deltas) {
    Objects.requireNonNull(setup, "setup");
    MultiTaskModel model = MultiTaskModel.create(setup.model(), StreamGenerator.TASKS);
    List<TaskSpec> tasks = model.tasks();
    TransferConfig transfer = setup.transfer();
    TaskMonitor[][] monitors = new TaskMonitor[tasks.size()][deltas.length];
    long[][][] counts = new long[tasks.size()][deltas.length][4];
    for (int t = 0; t < tasks.size(); t++) {
      for (int k = 0; k < deltas.length; k++) {
        monitors[t][k] = new TaskMonitor(tasks.get(t), transfer.detector(), transfer.signal(),
            transfer.warmupEvents(), deltas[k]);
        counts[t][k][1] = -1;
        counts[t][k][3] = -1;
      }
    }
    DriftSpec drift = setup.stream().drifts().isEmpty() ? null : setup.stream().drifts().get(0);
    long[] atDrift = new long[tasks.size()];
    Arrays.fill(atDrift, -1);
    StreamGenerator generator = new StreamGenerator(setup.stream());
    long position = 0;
    while (generator.hasNext()) {
      ScoredBatch scored = scoreNext(generator, setup.batchSize(), model);
      for (int i = 0; i < scored.events().size(); i++, position++) {
        GeneratedEvent e = scored.events().get(i);
        int t = taskIndex(tasks, e.task());
        boolean drifted = drift != null && drift.task().equals(e.task())
            && position >= drift.atEvent();
        if (drifted && atDrift[t] < 0) {
          atDrift[t] = monitors[t][0].taskEvents;
        }
        double score = scored.scores().get(i).get(e.task());
        for (int k = 0; k < deltas.length; k++) {
          TaskMonitor m = monitors[t][k];
          TaskMonitor.Outcome outcome = m.observe(score, e.label(), false, false);
          if (outcome == TaskMonitor.Outcome.NONE) {
            continue;
          }
          int slot = outcome == TaskMonitor.Outcome.WARNING ? 0 : 2;
          if (outcome == TaskMonitor.Outcome.WARNING) {
            m.restartWarning(transfer.shadowEvents() + transfer.warmupEvents());
          }
          if (!drifted) {
            counts[t][k][slot]++;
          } else if (counts[t][k][slot + 1] < 0) {
            counts[t][k][slot + 1] = m.taskEvents - atDrift[t];
          }
        }
      }
      model.learn(scored.batch());
    }
    List<WarningScore> out = new ArrayList<>();
    for (int k = 0; k < deltas.length; k++) {
      for (int t = 0; t < tasks.size(); t++) {
        long[] c = counts[t][k];
        out.add(new WarningScore(deltas[k], tasks.get(t).name(), c[0], c[1], c[2], c[3]));
      }
    }
    return out;
  }

  /**
   * One run of the controller over a stream, with the CPU time of the thread that ran it.
   *
   * @param label the variant's name; not null
   * @param events every transfer event, in order
   * @param cpuNanos CPU time of the run's thread, ns (model and controller together)
   * @param taskEvents events of the stream
   */
  public record ControllerRun(String label, List<TransferEvent> events, long cpuNanos,
      long taskEvents) {

    /** Copies. */
    public ControllerRun {
      Objects.requireNonNull(label, "label");
      events = List.copyOf(events);
    }

    /** Events of {@code kind} whose trigger is {@code trigger}. */
    public long count(TransferEvent.Kind kind, TransferEvent.Trigger trigger) {
      return events.stream().filter(e -> e.kind() == kind && e.trigger() == trigger).count();
    }
  }

  /**
   * Runs the predict-then-learn loop with a controller of {@code transfer} over the setup's
   * stream (its drift, if any, included) and measures the thread's CPU time.
   */
  public static ControllerRun runController(Setup setup, String label, TransferConfig transfer) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    MultiTaskModel model = MultiTaskModel.create(setup.model(), StreamGenerator.TASKS);
    DriftTransferController controller = new DriftTransferController(model, transfer);
    StreamGenerator generator = new StreamGenerator(setup.stream());
    List<TransferEvent> all = new ArrayList<>();
    long n = 0;
    while (generator.hasNext()) {
      ScoredBatch scored = scoreNext(generator, setup.batchSize(), model);
      n += scored.batch().size();
      all.addAll(controller.learn(scored.batch(), scored.scores()));
    }
    return new ControllerRun(label, all, threads.getCurrentThreadCpuTime() - cpu, n);
  }

  /**
   * One recovery run of the stream's first drift in {@code mode}.
   *
   * @throws IllegalArgumentException if the stream has no drift
   */
  public static Result recover(Setup setup, Mode mode) {
    Objects.requireNonNull(setup, "setup");
    Objects.requireNonNull(mode, "mode");
    if (setup.stream().drifts().isEmpty()) {
      throw new IllegalArgumentException("stream.drifts: a recovery run needs a drift");
    }
    DriftSpec drift = setup.stream().drifts().get(0);
    MultiTaskModel model = MultiTaskModel.create(setup.model(), StreamGenerator.TASKS);
    TransferConfig transfer = setup.transfer().withTransferEnabled(mode == Mode.TRANSFER);
    boolean triggered = false;
    DriftTransferController controller = new DriftTransferController(model, transfer);
    TaskSpec task = model.tasks().get(taskIndex(model.tasks(), drift.task()));
    double[] losses = new double[1024];
    double[] oracle = new double[1024];
    int count = 0;
    long atDrift = -1;
    long position = 0;
    List<TransferEvent> all = new ArrayList<>();
    long falseAlarms = 0;
    long detection = -1;
    double[] otherLast = new double[setup.window()];
    long otherCount = 0;
    StreamGenerator generator = new StreamGenerator(setup.stream());
    while (generator.hasNext()) {
      ScoredBatch scored = scoreNext(generator, setup.batchSize(), model);
      List<GeneratedEvent> events = scored.events();
      List<LabelledExample> batch = scored.batch();
      List<Map<String, Double>> scores = scored.scores();
      for (int i = 0; i < events.size(); i++, position++) {
        GeneratedEvent e = events.get(i);
        if (!e.task().equals(task.name())) {
          TaskSpec other = model.tasks().get(taskIndex(model.tasks(), e.task()));
          otherLast[(int) (otherCount++ % otherLast.length)] =
              Losses.loss(other, scores.get(i).get(other.name()), e.label());
          continue;
        }
        if (atDrift < 0 && position >= drift.atEvent()) {
          atDrift = count;
        }
        if (count == losses.length) {
          losses = Arrays.copyOf(losses, 2 * count);
          oracle = Arrays.copyOf(oracle, 2 * count);
        }
        losses[count] = Losses.loss(task, scores.get(i).get(task.name()), e.label());
        oracle[count] = Losses.loss(task, e.truth(), e.label());
        count++;
      }
      for (TransferEvent event : controller.learn(batch, scores)) {
        all.add(event);
        if (event.kind() == TransferEvent.Kind.DRIFT_DETECTED && event.task().equals(task.name())) {
          boolean after = atDrift >= 0 && event.detectedAtTaskEvent() > atDrift;
          if (!after) {
            falseAlarms++;
          } else if (detection < 0) {
            detection = event.detectedAtTaskEvent() - atDrift;
          }
        }
      }
      if (mode == Mode.TRANSFER_AT_DRIFT && !triggered && atDrift >= 0) {
        all.add(controller.startTransfer(task.name()));
        triggered = true;
      }
    }
    if (atDrift < setup.window() || count - atDrift < setup.window()) {
      throw new IllegalArgumentException("window: " + setup.window() + " task events do not fit"
          + " before (" + atDrift + ") and after (" + (count - atDrift) + ") the drift");
    }
    int w = setup.window();
    int d = (int) atDrift;
    double pre = mean(losses, d - w, d);
    double oraclePre = mean(oracle, d - w, d);
    double[] corrected = new double[count];
    for (int i = 0; i < count; i++) {
      corrected[i] = losses[i] - oracle[i] + oraclePre;
    }
    double level = pre * (1 + setup.tolerance());
    return new Result(mode, task.name(), atDrift, falseAlarms, detection, pre,
        mean(losses, d, d + w), recovery(corrected, d, count, w, level),
        recovery(losses, d, count, w, level), mean(losses, count - w, count), oraclePre,
        mean(oracle, count - w, count), count - atDrift,
        mean(otherLast, 0, (int) Math.min(otherCount, otherLast.length)), all);
  }

  /**
   * Task events after {@code drift} until the trailing {@code window} mean, having risen above
   * {@code level}, is back at most {@code level} and STAYS there for {@code window} more events
   * (every trailing mean ending in {@code [back, back + window)} is within; {@code back - drift}
   * is returned); windows are taken from the first full post-drift one on. 0 if it never rose
   * above (the drift cost nothing measurable), -1 if it did not come back for good within the
   * data.
   *
   * <p>Why the hold: the windowed mean of a drift that is still under way crosses the level on
   * its way up with noise, so "the first mean at or under the level after one above it" fired a
   * few events after the loss first LEFT the band (on the gradual drift, seeds 1-6, no action:
   * 1 to 24 events after it), while the loss stayed above for 10,000-40,000 events more. A
   * window's worth of events within the band is a fresh window of data at the old level. The
   * same rule applies to every arm.
   */
  static long recovery(double[] values, int drift, int count, int window, double level) {
    double sum = 0;
    for (int i = drift; i < drift + window; i++) {
      sum += values[i];
    }
    boolean rose = false;
    int back = -1;
    for (int end = drift + window; ; end++) {
      if (sum / window > level) {
        rose = true;
        back = -1;
      } else if (rose && back < 0) {
        back = end;
      }
      if (back >= 0 && end - back + 1 >= window) {
        return back - drift;
      }
      if (end == count) {
        return rose ? -1 : 0;
      }
      sum += values[end] - values[end - window];
    }
  }

  private static double mean(double[] values, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return sum / (to - from);
  }

  private static int taskIndex(List<TaskSpec> tasks, String name) {
    for (int t = 0; t < tasks.size(); t++) {
      if (tasks.get(t).name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("task '" + name + "': not one of the model's tasks");
  }

  /**
   * The next micro-batch of the stream, as events and labelled examples, with the model's
   * prequential scores (made before it learns the batch).
   */
  private record ScoredBatch(List<GeneratedEvent> events, List<LabelledExample> batch,
      List<Map<String, Double>> scores) {}

  private static ScoredBatch scoreNext(StreamGenerator generator, int size,
      MultiTaskModel model) {
    List<GeneratedEvent> events = nextBatch(generator, size);
    List<LabelledExample> batch = events.stream().map(GeneratedEvent::toLabelledExample)
        .toList();
    return new ScoredBatch(events, batch,
        model.predict(batch.stream().map(LabelledExample::example).toList()));
  }

  private static List<GeneratedEvent> nextBatch(StreamGenerator generator, int size) {
    List<GeneratedEvent> out = new ArrayList<>(size);
    while (out.size() < size && generator.hasNext()) {
      out.add(generator.next());
    }
    return out;
  }

  // ---------------------------------------------------------------- multi-seed study

  /**
   * One compared recipe of a {@link #study}.
   *
   * @param label its name in the table; not null
   * @param mode how alarms are acted on; not null
   * @param transfer the controller's settings for this arm; not null
   */
  public record Arm(String label, Mode mode, TransferConfig transfer) {

    /** Validates. */
    public Arm {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(transfer, "transfer");
    }
  }

  /**
   * One arm's runs over the seeds of a {@link #study}, in seed order.
   *
   * @param arm the arm
   * @param seeds the seeds, one per run
   * @param runs the runs, same order
   */
  public record ArmResult(Arm arm, List<Long> seeds, List<Result> runs) {

    /** Copies. */
    public ArmResult {
      Objects.requireNonNull(arm, "arm");
      seeds = List.copyOf(seeds);
      runs = List.copyOf(runs);
    }

    /**
     * Per run: its (oracle-corrected) recovery, or, when it did not recover within the run, its
     * post-drift length (a lower bound: such a run counts as at least that long).
     */
    public double[] censoredRecovery() {
      return runs.stream().mapToDouble(r -> r.recoveryEvents() < 0 ? r.postDriftEvents()
          : r.recoveryEvents()).toArray();
    }

    /** Per run: its raw recovery, censored like {@link #censoredRecovery()}. */
    public double[] censoredRawRecovery() {
      return runs.stream().mapToDouble(r -> r.rawRecoveryEvents() < 0 ? r.postDriftEvents()
          : r.rawRecoveryEvents()).toArray();
    }

    /** Per run: the drifted task's final loss. */
    public double[] finalLosses() {
      return runs.stream().mapToDouble(Result::finalLoss).toArray();
    }
  }

  /**
   * Runs every arm on the setup's stream and model, once per seed (the stream's and the model's
   * seed both set to it), {@code threads} runs at a time. Each run is deterministic, so the
   * result does not depend on {@code threads}.
   *
   * @param setup the stream (with its drift), model and measurement settings; its transfer
   *     settings are replaced by each arm's
   * @param arms the recipes, at least one
   * @param seeds the seeds, at least one
   * @param threads runs at a time, &gt;= 1
   * @return one result per arm, in arm order
   */
  public static List<ArmResult> study(Setup setup, List<Arm> arms, List<Long> seeds,
      int threads) {
    Objects.requireNonNull(setup, "setup");
    if (arms.isEmpty() || seeds.isEmpty()) {
      throw new IllegalArgumentException("arms, seeds: at least one of each is required");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads: must be >= 1, got " + threads);
    }
    List<Callable<Result>> jobs = new ArrayList<>();
    for (Arm arm : arms) {
      for (long seed : seeds) {
        Setup run = new Setup(setup.stream().withSeed(seed), setup.model().withSeed(seed),
            arm.transfer(), setup.batchSize(), setup.window(), setup.tolerance());
        jobs.add(() -> recover(run, arm.mode()));
      }
    }
    List<Result> results = runAll(jobs, threads, "study");
    List<ArmResult> out = new ArrayList<>();
    for (int a = 0; a < arms.size(); a++) {
      out.add(new ArmResult(arms.get(a), seeds,
          results.subList(a * seeds.size(), (a + 1) * seeds.size())));
    }
    return List.copyOf(out);
  }

  /**
   * Runs {@code jobs} on {@code threads} threads and returns their results in job order; a job's
   * runtime exception is rethrown as it is, anything else it throws wrapped.
   */
  private static <T> List<T> runAll(List<Callable<T>> jobs, int threads, String what) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> job : jobs) {
        futures.add(pool.submit(job));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return List.copyOf(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(what + ": a run failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The arms of the README table: no action (alarms only), transfer with the given settings,
   * the same transfer started at the true drift point (an oracle trigger), and the guarded part
   * alone (the same settings without the re-learning boost, which the guard does not cover).
   */
  public static List<Arm> referenceArms(TransferConfig transfer) {
    return List.of(new Arm("no action", Mode.NO_TRANSFER, transfer),
        new Arm("transfer", Mode.TRANSFER, transfer),
        new Arm("transfer at the true drift point", Mode.TRANSFER_AT_DRIFT, transfer),
        new Arm("transfer, guarded part only", Mode.TRANSFER,
            transfer.withRelearning(1.0, 1.0, 0)));
  }

  /**
   * A Markdown table of a study: per arm, over the seeds, how many runs detected the drift,
   * promotions and rollbacks, recovery as mean ± sample standard deviation (runs that did not
   * recover count as their post-drift length, marked "≥"), its change against the first arm,
   * the per-seed values, raw recovery, and final losses (drifted task, other task, oracle).
   */
  public static String studyTable(String scenario, List<ArmResult> results) {
    StringBuilder out = new StringBuilder(
        "| scenario | arm | detected | promoted / rolled back | recovery, mean ± sd (task"
            + " events) | vs no action | per seed | raw recovery, mean ± sd | final loss |"
            + " other task final | oracle final |\n"
            + "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
    double base = mean(results.get(0).censoredRecovery());
    for (ArmResult a : results) {
      double[] rec = a.censoredRecovery();
      StringBuilder perSeed = new StringBuilder();
      for (Result r : a.runs()) {
        perSeed.append(perSeed.length() == 0 ? "" : " / ").append(r.recoveryEvents() < 0
            ? String.format(Locale.ROOT, "≥%,d", r.postDriftEvents())
            : String.format(Locale.ROOT, "%,d", r.recoveryEvents()));
      }
      long detected = a.runs().stream().filter(r -> r.detectionDelay() >= 0).count();
      long promoted = a.runs().stream().mapToLong(r -> r.count(TransferEvent.Kind.PROMOTED))
          .sum();
      long rolledBack = a.runs().stream()
          .mapToLong(r -> r.count(TransferEvent.Kind.ROLLED_BACK)).sum();
      boolean censored = a.runs().stream().anyMatch(r -> r.recoveryEvents() < 0);
      double[] raw = a.censoredRawRecovery();
      double[] other = a.runs().stream().mapToDouble(Result::otherFinalLoss).toArray();
      double[] oracle = a.runs().stream().mapToDouble(Result::oracleFinalLoss).toArray();
      out.append(String.format(Locale.ROOT,
          "| %s | %s | %d/%d | %d / %d | %s%,.0f ± %,.0f | %+.0f%% | %s | %,.0f ± %,.0f |"
              + " %.4f ± %.4f | %.4f | %.4f |%n",
          scenario, a.arm().label(), detected, a.runs().size(), promoted, rolledBack,
          censored ? "≥" : "", mean(rec), sd(rec), 100 * (mean(rec) / base - 1), perSeed,
          mean(raw), sd(raw), mean(a.finalLosses()), sd(a.finalLosses()), mean(other),
          mean(oracle)));
    }
    return out.toString();
  }

  private static double mean(double[] values) {
    return mean(values, 0, values.length);
  }

  /** Sample standard deviation; 0 for fewer than two values. */
  private static double sd(double[] values) {
    if (values.length < 2) {
      return 0.0;
    }
    double m = mean(values);
    double sum = 0;
    for (double v : values) {
      sum += (v - m) * (v - m);
    }
    return Math.sqrt(sum / (values.length - 1));
  }

  // ---------------------------------------------------------------- reports and main

  /** A Markdown table of detector scores. */
  public static String detectorTable(List<DetectorScore> scores) {
    StringBuilder out = new StringBuilder(
        "| detector | signal | task | alarms before drift | delay (task events) |\n"
            + "|---|---|---|---:|---:|\n");
    for (DetectorScore s : scores) {
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s |%n", s.detector().label(),
          s.signal(), s.task(), s.alarmsBeforeDrift(),
          s.detectionDelay() < 0 ? "-" : Long.toString(s.detectionDelay())));
    }
    return out.toString();
  }

  /** A Markdown table of warning scores. */
  public static String warningTable(List<WarningScore> scores) {
    StringBuilder out = new StringBuilder("| warning delta | task | warnings before drift |"
        + " warning delay | drift alarms before drift | drift delay |\n"
        + "|---:|---|---:|---:|---:|---:|\n");
    for (WarningScore s : scores) {
      out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %d | %s |%n",
          s.warningDelta(), s.task(), s.warningsBeforeDrift(),
          s.warningDelay() < 0 ? "-" : Long.toString(s.warningDelay()), s.alarmsBeforeDrift(),
          s.alarmDelay() < 0 ? "-" : Long.toString(s.alarmDelay())));
    }
    return out.toString();
  }

  /**
   * Runs each arm's controller ({@link #runController}) on the setup's stream, all at once (one
   * thread each, so they share the machine's load alike).
   */
  public static List<ControllerRun> runSideBySide(Setup setup, List<Arm> arms) {
    List<Callable<ControllerRun>> jobs = new ArrayList<>();
    for (Arm arm : arms) {
      jobs.add(() -> runController(setup, arm.label(), arm.transfer()));
    }
    return runAll(jobs, arms.size(), "runSideBySide");
  }

  /** A Markdown table of controller runs: candidates by trigger and decision, CPU per event. */
  public static String costTable(List<ControllerRun> runs) {
    StringBuilder out = new StringBuilder("| variant | drift alarms | warning-started:"
        + " promoted / rolled back | drift-started: promoted / rolled back | CPU (s) |"
        + " CPU per event (µs) |\n|---|---:|---:|---:|---:|---:|\n");
    for (ControllerRun r : runs) {
      long alarms = r.events().stream()
          .filter(e -> e.kind() == TransferEvent.Kind.DRIFT_DETECTED).count();
      out.append(String.format(Locale.ROOT, "| %s | %d | %d / %d | %d / %d | %.1f | %.2f |%n",
          r.label(), alarms,
          r.count(TransferEvent.Kind.PROMOTED, TransferEvent.Trigger.DRIFT_WARNING),
          r.count(TransferEvent.Kind.ROLLED_BACK, TransferEvent.Trigger.DRIFT_WARNING),
          r.count(TransferEvent.Kind.PROMOTED, TransferEvent.Trigger.DRIFT),
          r.count(TransferEvent.Kind.ROLLED_BACK, TransferEvent.Trigger.DRIFT),
          r.cpuNanos() / 1e9, r.cpuNanos() / 1e3 / r.taskEvents()));
    }
    return out.toString();
  }

  /** A Markdown table of recovery results. */
  public static String recoveryTable(String scenario, List<Result> results) {
    StringBuilder out = new StringBuilder(
        "| scenario | mode | false alarms | delay | promoted | rolled back | pre-drift loss |"
            + " post-drift loss | recovery (task events) | raw recovery | final loss |"
            + " oracle pre | oracle final |\n"
            + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      out.append(String.format(Locale.ROOT,
          "| %s | %s | %d | %s | %d | %d | %.4f | %.4f | %s | %s | %.4f | %.4f | %.4f |%n",
          scenario, r.mode(), r.falseAlarms(),
          r.detectionDelay() < 0 ? "-" : r.detectionDelay(),
          r.count(TransferEvent.Kind.PROMOTED), r.count(TransferEvent.Kind.ROLLED_BACK),
          r.preDriftLoss(), r.postDriftLoss(),
          r.recoveryEvents() < 0 ? "not recovered" : r.recoveryEvents(),
          r.rawRecoveryEvents() < 0 ? "not recovered" : r.rawRecoveryEvents(), r.finalLoss(),
          r.oraclePreDriftLoss(), r.oracleFinalLoss()));
    }
    return out.toString();
  }

  /**
   * The reference setup: the generator's defaults with relatedness 0.5 and 500 users x 200 items,
   * the model defaults the streams application uses ({@link ModelConfig#defaults()}), batches of
   * 64, {@link TransferConfig#defaults()}, a window of 5,000 task events, tolerance 5%. (With the
   * generator's default 5,000 x 2,000 population the model learns so little of the specific
   * factors in 200,000 events that re-drawing them does not change its loss: measured 0.3107
   * before, no rise after, oracle 0.2538.)
   *
   * @param events total events of the stream (both tasks)
   * @param cycle the daily-cycle amplitude
   * @param drift the drift, or null for a stationary stream
   */
  public static Setup referenceSetup(long events, double cycle, DriftSpec drift) {
    GeneratorConfig stream = GeneratorConfig.defaults().withRho(0.5).withPopulation(500, 200)
        .withEvents(events / 2, events - events / 2).withDailyCycleAmplitude(cycle)
        .withDrifts(drift == null ? List.of() : List.of(drift));
    return new Setup(stream, ModelConfig.defaults(), TransferConfig.defaults(), 64, 5_000, 0.05);
  }

  /**
   * Prints the measurements as Markdown. Arguments: {@code detectors-stationary [events]},
   * {@code detectors-drift [events]}, {@code recovery [events] [abrupt|gradual] [candidate
   * learningRateBoost recoveryEvents lossWeightBoost]} (candidate: {@code BLEND}, {@code KEEP} or
   * {@code RESET}; unset: {@link TransferConfig#defaults()}), {@code study [events]
   * [abrupt|gradual] [seeds] [threads] [first]} (the {@link #referenceArms} over {@code seeds}
   * seeds from {@code first}, default 4 from 1, {@code threads} runs at a time, default 2;
   * {@link #studyTable}); {@code warnings-stationary [events] x [deltas] [seed]} and
   * {@code warnings-drift [events] [abrupt|gradual] [deltas] [seed]} ({@link #studyWarnings} with
   * comma-separated warning deltas, default 0.02,0.05,0.1,0.2; seed 0 keeps the generator's and
   * model's default seeds, default 1; {@link #warningTable}); {@code warnings-cost [events] x
   * [delta]} (the controller with and without a warning detector side by side on the stationary
   * stream with a daily cycle, {@link #costTable}); {@code warning-study [events]
   * [abrupt|gradual] [seeds] [threads] [first] [deltas]} (arms: no action, transfer without a
   * warning detector, with one at each delta, and the first delta with the other choice of
   * {@link TransferConfig#warningRelearn()}; {@link #studyTable}); events default to 500,000 /
   * 400,000 / 400,000.
   * The drift of ctr starts at the stream's middle (gradual: over a tenth of the stream).
   */
  public static void main(String[] args) {
    String what = args.length > 0 ? args[0] : "recovery";
    long events = args.length > 1 ? Long.parseLong(args[1])
        : "detectors-stationary".equals(what) ? 500_000 : 400_000;
    DriftSpec drift = args.length > 2 && "gradual".equals(args[2])
        ? DriftSpec.gradual(StreamGenerator.CTR, events / 2, events / 10)
        : DriftSpec.abrupt(StreamGenerator.CTR, events / 2);
    switch (what) {
      case "detectors-stationary" -> System.out.print(detectorTable(
          studyDetectors(referenceSetup(events, 0.5, null))));
      case "detectors-drift" -> System.out.print(detectorTable(
          studyDetectors(referenceSetup(events, 0.5, drift))));
      case "recovery" -> {
        Setup setup = referenceSetup(events, 0.0, drift);
        if (args.length > 6) {
          setup = setup.withTransfer(setup.transfer()
              .withCandidateInit(CandidateInit.valueOf(args[3]))
              .withBoost(Double.parseDouble(args[4]), Long.parseLong(args[5]))
              .withLossWeightBoost(Double.parseDouble(args[6])));
        }
        List<Result> results = List.of(recover(setup, Mode.NO_TRANSFER),
            recover(setup, Mode.TRANSFER), recover(setup, Mode.TRANSFER_AT_DRIFT));
        System.out.print(recoveryTable(drift.overEvents() == 0 ? "abrupt" : "gradual",
            results));
        for (Result r : results) {
          for (TransferEvent e : r.events()) {
            System.out.println(r.mode() + ": " + e);
          }
        }
      }
      case "study" -> {
        int seeds = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        long first = args.length > 5 ? Long.parseLong(args[5]) : 1;
        List<Long> seedList = new ArrayList<>();
        for (long s = first; s < first + seeds; s++) {
          seedList.add(s);
        }
        Setup setup = referenceSetup(events, 0.0, drift);
        System.out.print(studyTable(drift.overEvents() == 0 ? "abrupt" : "gradual",
            study(setup, referenceArms(setup.transfer()), seedList, threads)));
      }
      case "warnings-stationary", "warnings-drift" -> {
        double[] deltas = args.length > 3 ? Arrays.stream(args[3].split(","))
            .mapToDouble(Double::parseDouble).toArray() : new double[] {0.02, 0.05, 0.1, 0.2};
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        Setup setup = "warnings-stationary".equals(what) ? referenceSetup(events, 0.5, null)
            : referenceSetup(events, 0.0, drift);
        if (seed > 0) {
          setup = new Setup(setup.stream().withSeed(seed), setup.model().withSeed(seed),
              setup.transfer(), setup.batchSize(), setup.window(), setup.tolerance());
        }
        System.out.print(warningTable(studyWarnings(setup, deltas)));
      }
      case "warnings-cost" -> {
        double delta = args.length > 3 ? Double.parseDouble(args[3])
            : TransferConfig.defaults().warningDelta();
        Setup setup = referenceSetup(events, 0.5, null);
        TransferConfig with = setup.transfer().withWarning(delta,
            setup.transfer().warningRelearn());
        TransferConfig without = setup.transfer().withWarning(0.0, false);
        System.out.print(costTable(runSideBySide(setup, List.of(
            new Arm("no warning detector", Mode.TRANSFER, without),
            new Arm("warning delta " + delta, Mode.TRANSFER, with)))));
      }
      case "warning-study" -> {
        int seeds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        long first = args.length > 5 ? Long.parseLong(args[5]) : 1;
        double[] deltas = args.length > 6 ? Arrays.stream(args[6].split(","))
            .mapToDouble(Double::parseDouble).toArray()
            : new double[] {TransferConfig.defaults().warningDelta()};
        List<Long> seedList = new ArrayList<>();
        for (long s = first; s < first + seeds; s++) {
          seedList.add(s);
        }
        Setup setup = referenceSetup(events, 0.0, drift);
        TransferConfig base = setup.transfer();
        List<Arm> arms = new ArrayList<>(List.of(
            new Arm("no action", Mode.NO_TRANSFER, base),
            new Arm("transfer, no warning detector", Mode.TRANSFER, base.withWarning(0, false))));
        for (double d : deltas) {
          arms.add(new Arm("transfer, warning delta " + d, Mode.TRANSFER,
              base.withWarning(d, base.warningRelearn())));
        }
        arms.add(new Arm("transfer, warning delta " + deltas[0] + ", "
            + (base.warningRelearn() ? "no " : "") + "boost on its promotion", Mode.TRANSFER,
            base.withWarning(deltas[0], !base.warningRelearn())));
        System.out.print(studyTable(drift.overEvents() == 0 ? "abrupt" : "gradual",
            study(setup, arms, seedList, threads)));
      }
      default -> throw new IllegalArgumentException("argument 1: expected detectors-stationary,"
          + " detectors-drift, recovery, study, warnings-stationary, warnings-drift,"
          + " warnings-cost or warning-study, got '" + what + "'");
    }
  }
}
