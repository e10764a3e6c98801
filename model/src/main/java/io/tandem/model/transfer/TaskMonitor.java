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
 * design; ADWIN cuts on any change of the mean, so an ADWIN cut counts as an alarm only when the
 * signal's recent level (an exponential moving average with a time constant of
 * {@value #DIRECTION_SPAN} events) is above the mean of ADWIN's window before the cut. (The means
 * of the parts ADWIN keeps and drops are no good guide: it drops old buckets until no cut is left,
 * so the kept part mostly holds pre-drift values.) A cut on a falling loss (the model still
 * learning) is no alarm; ADWIN restarts after it all the same.
 */
final class TaskMonitor {

  /** Time constant, in task events, of the recent-loss and recent-label averages. */
  static final int RECENT_SPAN = 1_000;

  /** Time constant, in task events, of the recent signal level that tells a rise from a fall. */
  static final int DIRECTION_SPAN = 100;

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
    boolean drift = watchDrift && alarmed(detector, input);
    boolean warned = watchWarning && alarmed(warning, input);
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

  /** Feeds {@code d}; whether it alarmed, an ADWIN cut counting only on a rise (class comment). */
  private boolean alarmed(DriftDetector d, double input) {
    double windowMean = d instanceof Adwin adwin ? adwin.estimation() : Double.NaN;
    d.update(input);
    if (!d.driftDetected()) {
      return false;
    }
    return !(d instanceof Adwin) || recentSignal > windowMean;
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
  }

  /**
   * Reads what {@link #write} wrote; {@code version} is the controller state's format version
   * (before 3 there is no warning part: the warning detector then starts fresh, warming up as long
   * as the drift detector still does).
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
