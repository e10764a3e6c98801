package io.tandem.model.transfer;

import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.drift.Adwin;
import io.tandem.model.drift.AdwinConfig;
import io.tandem.model.drift.DriftDetector;
import io.tandem.model.loss.Losses;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The mutable watch of one task: its detector, the signal's state, counters, and two slow
 * averages (loss and label) that describe the task's recent level. Package-private; driven by
 * {@link DriftTransferController}. Not thread-safe.
 *
 * <p>Only a worsening is drift: Page-Hinkley watches increases only and DDM is one-sided by
 * design; ADWIN cuts on any change of the mean, so an ADWIN cut counts only on a rise. The watch
 * keeps two exponential moving averages of the signal, a fast one ({@code r_100}, time constant
 * {@value #DIRECTION_SPAN} events) and a slow one ({@code r_1000}, {@value #RECENT_SPAN}), and
 * compares them with the mean {@code mu} and variance {@code sigma2} of ADWIN's window just
 * before the cut ({@link Adwin#estimation()}, {@link Adwin#variance()}):
 * <ul>
 *   <li>a cut of the <b>warning</b> detector counts when {@code r_100 > mu} (the signal is above
 *       the window's level now: a direction test only);
 *   <li>a cut of the <b>drift</b> detector counts when the signal has risen <em>markedly</em>:
 *       either average is above {@code mu} by more than {@code L = }{@value #RISE_LIMIT} of its
 *       standard errors,
 *       <pre>
 *   r_S - mu &gt; L * sqrt(sigma2 / (2 S - 1))     for S = 100 or S = 1000
 *       </pre>
 *       ({@code sigma2 / (2 S - 1)} is the variance of a moving average with weight {@code 1/S}
 *       of independent values of variance {@code sigma2}). This is the upper limit of an EWMA
 *       control chart (Roberts 1959; Lucas and Saccucci 1990, whose usual limit is about 3)
 *       centred on ADWIN's window, at two smoothing constants: the fast one catches a step a few
 *       hundred events old, the slow one a rise that built up over a few thousand.
 * </ul>
 * A cut that does not count (a falling loss: the model still learning; or, for the drift
 * detector, a rise within the limits) is no alarm; ADWIN restarts after it all the same. (The
 * means of the parts ADWIN keeps and drops are no good guide: it drops old buckets until no cut
 * is left, so the kept part mostly holds pre-drift values.)
 *
 * <p>Why the drift detector needs the limit (measured; README "Drift watch and transfer"): on a
 * stationary stream ADWIN's window grows to tens of thousands of events, and then a small slow
 * swing of the signal is significant to it. {@link DriftSignal#BASELINE_GAP} has one under a
 * daily click cycle: the model's lift over the base rate grows with the base rate, so the gap is
 * about half as deep in the hours with few clicks as in those with many (generator's default
 * stream: about -0.02 against -0.04 nats, with a per-event standard deviation of 0.2-0.3).
 * {@code tandem learn} on that stream (seed 42, batch 32) cut ADWIN's window of 26,239 click
 * events, grown from an evening peak into the morning trough, and the direction test alone took
 * the trough for a drift (so did seeds 44 and 50, and seed 42 at batch 64). Those swings reached
 * at most 2.85 standard errors on either chart; every drift of the generator's reference streams
 * that ADWIN detected reached at least 3.05 on one of them, so the limit keeps each such
 * detection at the same event. The warning detector keeps the direction test alone: its
 * candidates change nothing unguarded, and its early warnings on gradual drifts are where
 * transfer gains most.
 */
final class TaskMonitor {

  /**
   * Time constant, in task events, of the recent-loss and recent-label averages and of the slow
   * recent signal level ({@code r_1000}).
   */
  static final int RECENT_SPAN = 1_000;

  /** Time constant, in task events, of the fast recent signal level ({@code r_100}). */
  static final int DIRECTION_SPAN = 100;

  /**
   * The drift detector's control limit {@code L}: how many standard errors of a recent level it
   * must exceed the window mean by for an ADWIN cut to count (class comment).
   */
  static final double RISE_LIMIT = 3.0;

  private static final double LABEL_CLAMP = 1e-4;

  /** What one observed value set off. */
  enum Outcome {
    /** Nothing. */
    NONE,
    /** The warning detector alarmed (and the drift detector did not). */
    WARNING,
    /** The drift detector alarmed. */
    DRIFT
  }

  final TaskSpec task;
  final DriftDetector detector;
  /** The warning detector, or null when {@code warningDelta} is 0. */
  final Adwin warning;
  private final DetectorKind kind;
  private final DriftSignal signal;

  long taskEvents;
  long warmupLeft;
  long alarms;
  long promotions;
  long rollbacks;
  long warningWarmupLeft;
  long warnings;
  private double recentLoss = Double.NaN;
  private double recentLabel = Double.NaN;
  private double reference = Double.NaN;
  private double recentSignal = Double.NaN;
  private double slowSignal = Double.NaN;

  TaskMonitor(TaskSpec task, DetectorKind kind, DriftSignal signal, long warmupEvents) {
    this(task, kind, signal, warmupEvents, 0.0);
  }

  /**
   * A watch with a warning detector of ADWIN delta {@code warningDelta} (0 = none; also none
   * without a drift detector, {@link DetectorKind#NONE}).
   */
  TaskMonitor(TaskSpec task, DetectorKind kind, DriftSignal signal, long warmupEvents,
      double warningDelta) {
    this.task = task;
    this.kind = kind;
    this.signal = signal;
    this.detector = kind.create();
    this.warning = warningDelta > 0 && detector != null
        ? new Adwin(AdwinConfig.defaults().withDelta(warningDelta)) : null;
    this.warmupLeft = warmupEvents;
    this.warningWarmupLeft = warmupEvents;
  }

  /**
   * Observes one prequential outcome: counts it, updates the averages, and feeds the detector
   * unless warming up or {@code paused}.
   *
   * @return whether the detector alarmed on this value
   */
  boolean observe(double score, double label, boolean paused) {
    return observe(score, label, paused, true) == Outcome.DRIFT;
  }

  /**
   * Observes one prequential outcome: counts it, updates the averages, feeds the drift detector
   * unless warming up or {@code driftPaused}, and the warning detector unless it is warming up or
   * {@code warningPaused}.
   *
   * @return what the value set off (DRIFT when both alarmed)
   */
  Outcome observe(double score, double label, boolean driftPaused, boolean warningPaused) {
    taskEvents++;
    double loss = Losses.loss(task, score, label);
    double value = signalValue(loss, score, label);
    recentLoss = average(recentLoss, loss);
    recentLabel = average(recentLabel, Losses.normalise(task, label));
    boolean watchDrift = detector != null && !driftPaused && warmupLeft == 0;
    boolean watchWarning = warning != null && !warningPaused && warningWarmupLeft == 0;
    if (warmupLeft > 0) {
      warmupLeft--;
    }
    if (warningWarmupLeft > 0) {
      warningWarmupLeft--;
    }
    if (!watchDrift && !watchWarning) {
      return Outcome.NONE;
    }
    double input = kind.needsUnitInterval() ? Math.min(1.0, Math.max(0.0, value)) : value;
    recentSignal = Double.isNaN(recentSignal) ? input
        : recentSignal + (input - recentSignal) / DIRECTION_SPAN;
    slowSignal = Double.isNaN(slowSignal) ? input
        : slowSignal + (input - slowSignal) / RECENT_SPAN;
    boolean drift = watchDrift && alarmed(detector, input, true);
    boolean warned = watchWarning && alarmed(warning, input, false);
    if (drift) {
      alarms++;
      return Outcome.DRIFT;
    }
    if (warned) {
      warnings++;
      return Outcome.WARNING;
    }
    return Outcome.NONE;
  }

  /**
   * Feeds {@code d}; whether it alarmed. An ADWIN cut counts only on a rise: with
   * {@code markedRise} (the drift detector) beyond the control limit, otherwise (the warning
   * detector) on the direction test (class comment).
   */
  private boolean alarmed(DriftDetector d, double input, boolean markedRise) {
    if (!(d instanceof Adwin adwin)) {
      d.update(input);
      return d.driftDetected();
    }
    double windowMean = adwin.estimation();
    double windowVariance = adwin.variance();
    adwin.update(input);
    if (!adwin.driftDetected()) {
      return false;
    }
    return markedRise
        ? aboveLimit(recentSignal, DIRECTION_SPAN, windowMean, windowVariance)
            || aboveLimit(slowSignal, RECENT_SPAN, windowMean, windowVariance)
        : recentSignal > windowMean;
  }

  /**
   * Whether {@code level}, a moving average with time constant {@code span}, is above
   * {@code windowMean} by more than {@link #RISE_LIMIT} standard errors for values of variance
   * {@code windowVariance} (false for a NaN level).
   */
  static boolean aboveLimit(double level, int span, double windowMean, double windowVariance) {
    double standardError = Math.sqrt(windowVariance / (2.0 * span - 1));
    return level - windowMean > RISE_LIMIT * standardError;
  }

  /** The signal of {@link DriftSignal} for one event; updates the detrending reference. */
  double signalValue(double loss, double score, double label) {
    return switch (signal) {
      case RAW_LOSS -> loss;
      case EXCESS_LOSS -> {
        if (task.kind() == TaskKind.BINARY) {
          double p = Math.min(1 - Losses.EPS, Math.max(Losses.EPS, score));
          yield loss + p * Math.log(p) + (1 - p) * Math.log1p(-p);
        }
        double d = (score - label) / (task.labelMax() - task.labelMin());
        yield d * d;
      }
      case BASELINE_GAP -> {
        if (Double.isNaN(recentLabel)) {
          yield 0.0;
        }
        if (task.kind() == TaskKind.BINARY) {
          double mean = Math.min(1 - LABEL_CLAMP, Math.max(LABEL_CLAMP, recentLabel));
          yield loss - Losses.loss(task, mean, label);
        }
        double range = task.labelMax() - task.labelMin();
        double mean = task.labelMin() + recentLabel * range;
        yield (loss - Losses.loss(task, mean, label)) / (range * range);
      }
      case DETRENDED_LOSS -> {
        double value = Double.isNaN(reference) ? 0.0 : loss - reference;
        reference = Double.isNaN(reference) ? loss
            : reference + (loss - reference) / DriftSignal.DETREND_SPAN;
        yield value;
      }
    };
  }

  /** Restarts the watch after a transfer decision: both detectors forgotten, warm-up again. */
  void restart(long warmupEvents) {
    if (detector != null) {
      detector.reset();
    }
    warmupLeft = warmupEvents;
    restartWarning(warmupEvents);
  }

  /** Restarts only the warning detector (forgotten, warm-up again); the drift detector goes on. */
  void restartWarning(long warmupEvents) {
    if (warning != null) {
      warning.reset();
    }
    warningWarmupLeft = warmupEvents;
  }

  /** Mean loss over about the last {@link #RECENT_SPAN} events (NaN before any). */
  double recentLoss() {
    return recentLoss;
  }

  /**
   * The recent mean label in the tower's training space: a logit for a binary task (the mean
   * clamped to [1e-4, 1 - 1e-4]), the normalised label for a regression; 0 before any event.
   */
  double recentTrainingTarget() {
    if (Double.isNaN(recentLabel)) {
      return 0.0;
    }
    if (task.kind() == TaskKind.BINARY) {
      double p = Math.min(1 - LABEL_CLAMP, Math.max(LABEL_CLAMP, recentLabel));
      return Math.log(p / (1 - p));
    }
    return recentLabel;
  }

  /** The view published by the controller. */
  TaskWatch view(boolean shadow) {
    return new TaskWatch(task.name(), kind.label(), taskEvents, warmupLeft, shadow, alarms,
        promotions, rollbacks);
  }

  void write(DataOutputStream out) throws IOException {
    out.writeUTF(task.name());
    out.writeLong(taskEvents);
    out.writeLong(warmupLeft);
    out.writeLong(alarms);
    out.writeLong(promotions);
    out.writeLong(rollbacks);
    out.writeDouble(recentLoss);
    out.writeDouble(recentLabel);
    out.writeDouble(reference);
    out.writeDouble(recentSignal);
    byte[] state = detector == null ? new byte[0] : detector.exportState();
    out.writeInt(state.length);
    out.write(state);
    out.writeLong(warningWarmupLeft);
    out.writeLong(warnings);
    out.writeDouble(warning == null ? 0.0 : warning.config().delta());
    byte[] warningState = warning == null ? new byte[0] : warning.exportState();
    out.writeInt(warningState.length);
    out.write(warningState);
    out.writeDouble(slowSignal);
  }

  /**
   * Reads what {@link #write} wrote; {@code version} is the controller state's format version
   * (before 3 there is no warning part: the warning detector then starts fresh, warming up as long
   * as the drift detector still does; before 4 there is no slow recent level: it starts at the
   * fast one).
   */
  void read(DataInputStream in, int version) throws IOException {
    String name = in.readUTF();
    if (!name.equals(task.name())) {
      throw new IllegalArgumentException("transfer state: task '" + name
          + "' where this controller has '" + task.name() + "'");
    }
    taskEvents = in.readLong();
    warmupLeft = in.readLong();
    alarms = in.readLong();
    promotions = in.readLong();
    rollbacks = in.readLong();
    recentLoss = in.readDouble();
    recentLabel = in.readDouble();
    reference = in.readDouble();
    recentSignal = in.readDouble();
    int length = in.readInt();
    if (length < 0 || length > 1 << 20) {
      throw new IllegalArgumentException("transfer state: detector state length " + length);
    }
    byte[] state = new byte[length];
    in.readFully(state);
    if (detector != null) {
      detector.importState(state);
    }
    slowSignal = recentSignal;
    if (version < 3) {
      warningWarmupLeft = warmupLeft;
      return;
    }
    warningWarmupLeft = in.readLong();
    warnings = in.readLong();
    double writtenDelta = in.readDouble();
    int warningLength = in.readInt();
    if (warningLength < 0 || warningLength > 1 << 20) {
      throw new IllegalArgumentException("transfer state: warning detector state length "
          + warningLength);
    }
    byte[] warningState = new byte[warningLength];
    in.readFully(warningState);
    if (version >= 4) {
      slowSignal = in.readDouble();
    }
    if (warning == null) {
      return;
    }
    if (writtenDelta == warning.config().delta() && warningLength > 0) {
      warning.importState(warningState);
    } else {
      // Written without a warning detector or with another delta (a changed setting): this
      // one starts fresh and warms up as a new watch would.
      warningWarmupLeft = Math.max(warningWarmupLeft, warmupLeft);
    }
  }

  private static double average(double current, double value) {
    return Double.isNaN(current) ? value : current + (value - current) / RECENT_SPAN;
  }
}
