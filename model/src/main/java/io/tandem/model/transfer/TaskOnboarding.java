package io.tandem.model.transfer;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.loss.Losses;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Onboarding of tasks added to a running model ({@link MultiTaskModel#withTask}): a guarded
 * warm start of the new task's tower from its most related existing task, driven by a
 * {@link DriftTransferController}.
 *
 * <h2>Recipe</h2>
 * <ol>
 *   <li>Collect. The new task T's fresh tower serves and learns normally. For each of T's first
 *       {@code N = onboardEvents} events, with {@code y} its label in T's training space
 *       ({@link Losses#normalise}), and for every source task S (the model's other tasks when T
 *       was added, minus tasks still being onboarded), two numbers are kept: {@code p_S}, S's
 *       published score for the event in S's training space (logit of the probability for a
 *       binary S, normalised prediction for a regression), and {@code x_S}, S's tower applied to
 *       T's representation ({@link MultiTaskModel#towerOutputs}), which is what a candidate built
 *       from S's tower reads. Every task scores every event, so the events of T are "shared users
 *       and items" of all tasks by construction.
 *   <li>Choose. The relatedness of S to T is the Pearson correlation {@code r_S = corr(p_S, y)}
 *       over the N events (the label/score correlation of the issue; the gradient affinity is
 *       not meaningful yet for a fresh tower). Sources are ranked by {@code |r_S|}, at most
 *       {@code maxSources} are reported; the candidate is built from the best one (tower hidden
 *       units of different tasks are not aligned, so towers are not averaged; see
 *       {@link DriftTransferController}).
 *   <li>Fit. An affine read-out {@code z_T = a x_S + b} of the best source's tower output: for a
 *       regression T, least squares of {@code y} on {@code x_S}; for a binary T, a one-variable
 *       logistic regression fitted by Newton's method (IRLS, at most {@value #NEWTON_STEPS}
 *       steps, ridge {@value #RIDGE} on {@code a}). Kinds may differ: a ctr logit can be read out
 *       as a rating. A constant source ({@code var(x_S) = 0}) gives {@code a = 0} and {@code b} the
 *       mean (in logit space for a binary T).
 *   <li>Guard. The candidate (S's tower, output scaled by {@code a}, shifted by {@code b},
 *       {@link MultiTaskModel#attachShadowFromTower}) runs in shadow beside the fresh incumbent
 *       for N more events of T, learning at the plain dense rate
 *       ({@link #CANDIDATE_LEARNING_RATE_BOOST}); the lower mean loss on those events wins (a
 *       tie keeps the incumbent): promoted (installed with its optimizer state) or discarded.
 * </ol>
 * Events: {@link TransferEvent.Kind#STARTED} when the candidate is attached (incumbent loss: the
 * fresh tower's mean loss over the N collected events) and {@link TransferEvent.Kind#PROMOTED}
 * or {@link TransferEvent.Kind#ROLLED_BACK} at the decision, all with
 * {@link TransferEvent.Action#ONBOARD}, no detector, and {@code detectedAtTaskEvent} = T's event
 * count when the candidate started. The model carries one shadow candidate at a time: an
 * onboarding that is due while a drift transfer is in shadow waits (still serving its fresh
 * tower), and a drift transfer waits while an onboarding is in shadow. With no source task at
 * all (every other task is itself being onboarded) the onboarding ends without a candidate and
 * without events.
 *
 * <p>Relation to the literature: warm-starting a new task's head from the most related existing
 * task is the transfer step of Taskonomy-style source selection (Zamir et al., CVPR 2018) reduced
 * to one online statistic; the affine read-out is Platt-style recalibration (Platt 1999) of a
 * related task's score; the shadow guard is the controller's, against negative transfer.
 *
 * <p>State: {@link #write}/{@link #read} (inside the controller's state blob). Not thread-safe.
 */
final class TaskOnboarding {

  /** Newton steps of the logistic fit (it converges in fewer on well-posed data). */
  static final int NEWTON_STEPS = 25;
  /** L2 penalty on the slope of the logistic fit: keeps separable data finite. */
  static final double RIDGE = 1e-3;
  /**
   * Factor on the dense learning rate of the candidate in shadow: none. Measured
   * ({@link OnboardingExperiment}, rho 0.8, before the candidate took over the source tower's
   * optimizer state): with the drift recipe's boost of 3 the candidate's read-out overshot and
   * lost the guard (shadow loss 0.99 against the fresh tower's 0.94); at the plain rate it won
   * (0.65 against 0.94).
   */
  static final double CANDIDATE_LEARNING_RATE_BOOST = 1.0;
  /** Published probabilities are clipped to {@code [CLIP, 1 - CLIP]} before the logit. */
  private static final double CLIP = 1e-6;

  private final TransferConfig config;
  private final List<Entry> entries = new ArrayList<>();

  /** @param config settings: {@code onboardEvents}, {@code maxSources}, {@code recoveryEvents} */
  TaskOnboarding(TransferConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** One task being onboarded. */
  private static final class Entry {
    final TaskSpec task;
    final List<String> sources;
    long taskEvents;
    boolean inShadow;
    int collected;
    final double[] labels;
    final double[][] published;
    final double[][] read;
    double incumbentCollectLoss;
    long shadowSeen;
    double incumbentSum;
    double candidateSum;
    long startedAt;
    List<TransferEvent.SourceTask> chosen = List.of();

    Entry(TaskSpec task, List<String> sources, int n) {
      this.task = task;
      this.sources = List.copyOf(sources);
      this.labels = new double[n];
      this.published = new double[sources.size()][n];
      this.read = new double[sources.size()][n];
    }
  }

  /**
   * Starts onboarding {@code task}, the last task of {@code model}, with the model's other tasks
   * (except those being onboarded) as possible sources.
   *
   * @throws IllegalArgumentException if the task is not the model's or is already onboarding
   */
  void add(MultiTaskModel model, TaskSpec task) {
    if (!model.tasks().contains(task)) {
      throw new IllegalArgumentException("onboarding: task '" + task.name()
          + "' is not one of the model's tasks " + model.tasks());
    }
    if (find(task.name()) != null) {
      throw new IllegalArgumentException("onboarding: task '" + task.name()
          + "' is already being onboarded");
    }
    List<String> sources = new ArrayList<>();
    for (TaskSpec other : model.tasks()) {
      if (!other.equals(task) && find(other.name()) == null) {
        sources.add(other.name());
      }
    }
    entries.add(new Entry(task, sources, config.onboardEvents()));
  }

  /** The task whose onboarding candidate is in shadow, or null. */
  String shadowTask() {
    for (Entry e : entries) {
      if (e.inShadow) {
        return e.task.name();
      }
    }
    return null;
  }

  /** The tasks being onboarded (collecting or in shadow), in the order they were added. */
  List<String> tasks() {
    return entries.stream().map(e -> e.task.name()).toList();
  }

  /**
   * Before the model learns a batch: collects the new tasks' points and scores the candidate in
   * shadow on its task's events (both against the published scores).
   *
   * @param scores what the model published for each event before learning
   */
  void observe(MultiTaskModel model, List<LabelledExample> batch,
      List<Map<String, Double>> scores) {
    for (Entry e : entries) {
      List<Example> examples = new ArrayList<>();
      List<Integer> positions = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        if (batch.get(i).labels().containsKey(e.task.name())) {
          examples.add(batch.get(i).example());
          positions.add(i);
        }
      }
      e.taskEvents += examples.size();
      if (examples.isEmpty()) {
        continue;
      }
      if (e.inShadow) {
        double[] candidate = model.predictShadow(examples);
        for (int k = 0; k < candidate.length; k++) {
          double label = batch.get(positions.get(k)).labels().get(e.task.name());
          e.incumbentSum += Losses.loss(e.task, scores.get(positions.get(k)).get(e.task.name()),
              label);
          e.candidateSum += Losses.loss(e.task, candidate[k], label);
          e.shadowSeen++;
        }
      } else if (e.collected < e.labels.length) {
        collect(model, e, batch, scores, examples, positions);
      }
    }
  }

  private void collect(MultiTaskModel model, Entry e, List<LabelledExample> batch,
      List<Map<String, Double>> scores, List<Example> examples, List<Integer> positions) {
    int take = Math.min(examples.size(), e.labels.length - e.collected);
    List<Example> taken = examples.subList(0, take);
    double[][] reads = new double[e.sources.size()][];
    for (int s = 0; s < reads.length; s++) {
      reads[s] = model.towerOutputs(e.sources.get(s), e.task.name(), taken);
    }
    for (int k = 0; k < take; k++) {
      int i = positions.get(k);
      double label = batch.get(i).labels().get(e.task.name());
      int at = e.collected++;
      e.labels[at] = Losses.normalise(e.task, label);
      e.incumbentCollectLoss += Losses.loss(e.task, scores.get(i).get(e.task.name()), label);
      for (int s = 0; s < reads.length; s++) {
        e.published[s][at] = trainingSpace(model, e.sources.get(s),
            scores.get(i).get(e.sources.get(s)));
        e.read[s][at] = reads[s][k];
      }
    }
  }

  /**
   * After the model learned a batch: decides candidates whose shadow span is over, then starts
   * the candidate of the first task whose collection is complete if the model has no shadow.
   *
   * @param version the model version after the batch
   * @return the events, in order; possibly empty
   */
  List<TransferEvent> afterLearn(MultiTaskModel model, long version) {
    List<TransferEvent> out = new ArrayList<>();
    for (Entry e : List.copyOf(entries)) {
      if (e.inShadow && e.shadowSeen >= config.onboardEvents()) {
        out.add(decide(model, e, version));
        entries.remove(e);
      }
    }
    if (model.shadowTask() != null) {
      return out;
    }
    for (Entry e : List.copyOf(entries)) {
      if (!e.inShadow && e.collected == e.labels.length) {
        if (e.sources.isEmpty()) {
          entries.remove(e);
          continue;
        }
        out.add(start(model, e, version));
        break;
      }
    }
    return out;
  }

  private TransferEvent start(MultiTaskModel model, Entry e, long version) {
    int n = e.collected;
    List<TransferEvent.SourceTask> ranked = new ArrayList<>();
    for (int s = 0; s < e.sources.size(); s++) {
      ranked.add(new TransferEvent.SourceTask(e.sources.get(s),
          correlation(e.published[s], e.labels, n)));
    }
    ranked.sort(Comparator.comparingDouble((TransferEvent.SourceTask s) ->
        -Math.abs(s.affinity())).thenComparing(TransferEvent.SourceTask::task));
    TransferEvent.SourceTask best = ranked.get(0);
    int s = e.sources.indexOf(best.task());
    double[] fit = e.task.kind() == TaskKind.BINARY
        ? logisticFit(e.read[s], e.labels, n) : leastSquares(e.read[s], e.labels, n);
    model.attachShadowFromTower(e.task.name(), best.task(), fit[0], fit[1],
        CANDIDATE_LEARNING_RATE_BOOST);
    e.inShadow = true;
    e.chosen = List.copyOf(ranked.subList(0, Math.min(config.maxSources(), ranked.size())));
    e.startedAt = e.taskEvents;
    return new TransferEvent(TransferEvent.Kind.STARTED, e.task.name(),
        TransferEvent.Action.ONBOARD, null, e.startedAt, e.chosen, metric(e.task),
        e.incumbentCollectLoss / n, null, version);
  }

  private TransferEvent decide(MultiTaskModel model, Entry e, long version) {
    double incumbent = e.incumbentSum / e.shadowSeen;
    double candidate = e.candidateSum / e.shadowSeen;
    boolean promote = candidate < incumbent;
    if (promote) {
      model.promoteShadow(config.recoveryEvents());
    } else {
      model.discardShadow();
    }
    return new TransferEvent(
        promote ? TransferEvent.Kind.PROMOTED : TransferEvent.Kind.ROLLED_BACK, e.task.name(),
        TransferEvent.Action.ONBOARD, null, e.startedAt, e.chosen, metric(e.task), incumbent,
        candidate, version);
  }

  // ---------------------------------------------------------------- state

  /** Writes every onboarding in progress. */
  void write(DataOutputStream out) throws IOException {
    out.writeInt(entries.size());
    for (Entry e : entries) {
      out.writeUTF(e.task.name());
      out.writeInt(e.labels.length);
      out.writeInt(e.sources.size());
      for (String s : e.sources) {
        out.writeUTF(s);
      }
      out.writeLong(e.taskEvents);
      out.writeBoolean(e.inShadow);
      out.writeInt(e.collected);
      for (int k = 0; k < e.collected; k++) {
        out.writeDouble(e.labels[k]);
        for (int s = 0; s < e.sources.size(); s++) {
          out.writeDouble(e.published[s][k]);
          out.writeDouble(e.read[s][k]);
        }
      }
      out.writeDouble(e.incumbentCollectLoss);
      out.writeLong(e.shadowSeen);
      out.writeDouble(e.incumbentSum);
      out.writeDouble(e.candidateSum);
      out.writeLong(e.startedAt);
      out.writeInt(e.chosen.size());
      for (TransferEvent.SourceTask c : e.chosen) {
        out.writeUTF(c.task());
        out.writeDouble(c.affinity());
      }
    }
  }

  /**
   * Replaces the onboardings in progress with those {@link #write} wrote, for {@code tasks}.
   *
   * @throws IllegalArgumentException for a task or source not in {@code tasks}, or bad counts
   */
  void read(DataInputStream in, List<TaskSpec> tasks) throws IOException {
    int count = in.readInt();
    if (count < 0 || count > tasks.size()) {
      throw new IllegalArgumentException("onboarding state: " + count + " tasks");
    }
    List<Entry> restored = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      TaskSpec task = spec(tasks, in.readUTF());
      int n = in.readInt();
      int sourceCount = in.readInt();
      if (n < 1 || sourceCount < 0 || sourceCount > tasks.size()) {
        throw new IllegalArgumentException("onboarding state of task '" + task.name() + "': "
            + n + " events, " + sourceCount + " sources");
      }
      List<String> sources = new ArrayList<>(sourceCount);
      for (int s = 0; s < sourceCount; s++) {
        sources.add(spec(tasks, in.readUTF()).name());
      }
      Entry e = new Entry(task, sources, n);
      e.taskEvents = in.readLong();
      e.inShadow = in.readBoolean();
      e.collected = in.readInt();
      if (e.collected < 0 || e.collected > n) {
        throw new IllegalArgumentException("onboarding state of task '" + task.name() + "': "
            + e.collected + " of " + n + " events collected");
      }
      for (int k = 0; k < e.collected; k++) {
        e.labels[k] = in.readDouble();
        for (int s = 0; s < sourceCount; s++) {
          e.published[s][k] = in.readDouble();
          e.read[s][k] = in.readDouble();
        }
      }
      e.incumbentCollectLoss = in.readDouble();
      e.shadowSeen = in.readLong();
      e.incumbentSum = in.readDouble();
      e.candidateSum = in.readDouble();
      e.startedAt = in.readLong();
      int chosen = in.readInt();
      if (chosen < 0 || chosen > sourceCount) {
        throw new IllegalArgumentException("onboarding state of task '" + task.name() + "': "
            + chosen + " chosen sources");
      }
      List<TransferEvent.SourceTask> picked = new ArrayList<>(chosen);
      for (int c = 0; c < chosen; c++) {
        picked.add(new TransferEvent.SourceTask(in.readUTF(), in.readDouble()));
      }
      e.chosen = List.copyOf(picked);
      restored.add(e);
    }
    entries.clear();
    entries.addAll(restored);
  }

  /** A copy of this state for a controller of a grown model (same tasks, same settings). */
  TaskOnboarding copy() {
    TaskOnboarding copy = new TaskOnboarding(config);
    for (Entry e : entries) {
      Entry c = new Entry(e.task, e.sources, e.labels.length);
      c.taskEvents = e.taskEvents;
      c.inShadow = e.inShadow;
      c.collected = e.collected;
      System.arraycopy(e.labels, 0, c.labels, 0, e.collected);
      for (int s = 0; s < e.sources.size(); s++) {
        System.arraycopy(e.published[s], 0, c.published[s], 0, e.collected);
        System.arraycopy(e.read[s], 0, c.read[s], 0, e.collected);
      }
      c.incumbentCollectLoss = e.incumbentCollectLoss;
      c.shadowSeen = e.shadowSeen;
      c.incumbentSum = e.incumbentSum;
      c.candidateSum = e.candidateSum;
      c.startedAt = e.startedAt;
      c.chosen = e.chosen;
      copy.entries.add(c);
    }
    return copy;
  }

  // ---------------------------------------------------------------- the statistics

  /** Pearson correlation of the first {@code n} values; 0 when either side is constant. */
  static double correlation(double[] x, double[] y, int n) {
    double mx = mean(x, n);
    double my = mean(y, n);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int k = 0; k < n; k++) {
      double dx = x[k] - mx;
      double dy = y[k] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    return sxx == 0 || syy == 0 ? 0.0 : sxy / Math.sqrt(sxx * syy);
  }

  /** Least squares {@code y ~ a x + b} over the first {@code n} points: {@code {a, b}}. */
  static double[] leastSquares(double[] x, double[] y, int n) {
    double mx = mean(x, n);
    double my = mean(y, n);
    double sxy = 0;
    double sxx = 0;
    for (int k = 0; k < n; k++) {
      sxy += (x[k] - mx) * (y[k] - my);
      sxx += (x[k] - mx) * (x[k] - mx);
    }
    double a = sxx == 0 ? 0.0 : sxy / sxx;
    return new double[] {a, my - a * mx};
  }

  /**
   * Logistic regression {@code P(y = 1) = sigmoid(a x + b)} over the first {@code n} points (y in
   * {0, 1}) by Newton's method from {@code a = 0, b = logit(mean y)}, with an L2 penalty
   * {@link #RIDGE} on {@code a}: {@code {a, b}}.
   */
  static double[] logisticFit(double[] x, double[] y, int n) {
    double my = Math.min(1 - CLIP, Math.max(CLIP, mean(y, n)));
    double a = 0;
    double b = Math.log(my / (1 - my));
    for (int step = 0; step < NEWTON_STEPS; step++) {
      double ga = RIDGE * a;
      double gb = 0;
      double haa = RIDGE;
      double hab = 0;
      double hbb = 0;
      for (int k = 0; k < n; k++) {
        double p = Losses.sigmoid(a * x[k] + b);
        double r = p - y[k];
        double w = p * (1 - p);
        ga += r * x[k];
        gb += r;
        haa += w * x[k] * x[k];
        hab += w * x[k];
        hbb += w;
      }
      double det = haa * hbb - hab * hab;
      if (!(det > 0)) {
        break;
      }
      double da = (hbb * ga - hab * gb) / det;
      double db = (haa * gb - hab * ga) / det;
      a -= da;
      b -= db;
      if (Math.abs(da) + Math.abs(db) < 1e-10) {
        break;
      }
    }
    return new double[] {a, b};
  }

  private static double mean(double[] v, int n) {
    double s = 0;
    for (int k = 0; k < n; k++) {
      s += v[k];
    }
    return n == 0 ? 0.0 : s / n;
  }

  /** A published score in its task's training space (logit, or normalised prediction). */
  private static double trainingSpace(MultiTaskModel model, String task, double score) {
    TaskSpec spec = spec(model.tasks(), task);
    if (spec.kind() == TaskKind.BINARY) {
      double p = Math.min(1 - CLIP, Math.max(CLIP, score));
      return Math.log(p / (1 - p));
    }
    return Losses.normalise(spec, score);
  }

  private static TaskSpec spec(List<TaskSpec> tasks, String name) {
    for (TaskSpec t : tasks) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("onboarding: task '" + name + "' is not among "
        + tasks.stream().map(TaskSpec::name).toList());
  }

  private Entry find(String task) {
    for (Entry e : entries) {
      if (e.task.name().equals(task)) {
        return e;
      }
    }
    return null;
  }

  private static String metric(TaskSpec task) {
    return task.kind() == TaskKind.BINARY ? "logloss" : "squared_error";
  }
}
