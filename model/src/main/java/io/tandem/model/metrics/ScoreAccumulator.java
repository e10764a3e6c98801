package io.tandem.model.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * Accumulates (prediction, target) pairs and reports {@link Scores}, either over everything
 * added ({@link #cumulative}) or over the last N pairs ({@link #windowed}).
 *
 * <p>The loss sums (squared error, absolute error, log loss) are incremental. AUC needs every
 * score: a cumulative accumulator of {@link TargetKind#BINARY_LABEL} keeps all scores (8 bytes
 * per pair) and sorts copies when {@link #scores()} is called, O(n log n); a windowed one keeps
 * the window. Call {@link #scores()} at reporting time, not per event.
 *
 * <p>Not thread-safe.
 */
public final class ScoreAccumulator {

  private final TargetKind kind;
  private final int window;

  // cumulative state
  private long count;
  private double sumSquared;
  private double sumAbsolute;
  private double sumLogLoss;
  private double[] positiveScores = new double[0];
  private int positiveCount;
  private double[] negativeScores = new double[0];
  private int negativeCount;

  // windowed state (null when cumulative)
  private final RollingWindow squared;
  private final RollingWindow absolute;
  private final RollingWindow logLoss;
  private final WindowedAuc auc;

  private ScoreAccumulator(TargetKind kind, int window) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.window = window;
    if (window > 0) {
      squared = new RollingWindow(window);
      absolute = new RollingWindow(window);
      logLoss = kind == TargetKind.REAL ? null : new RollingWindow(window);
      auc = kind == TargetKind.BINARY_LABEL ? new WindowedAuc(window) : null;
    } else {
      squared = null;
      absolute = null;
      logLoss = null;
      auc = null;
    }
  }

  /** An accumulator over every pair ever added. */
  public static ScoreAccumulator cumulative(TargetKind kind) {
    return new ScoreAccumulator(kind, 0);
  }

  /**
   * An accumulator over the last {@code window} pairs.
   *
   * @throws IllegalArgumentException if {@code window < 1}
   */
  public static ScoreAccumulator windowed(TargetKind kind, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window: must be >= 1 events, got " + window);
    }
    return new ScoreAccumulator(kind, window);
  }

  /** What the targets are. */
  public TargetKind kind() {
    return kind;
  }

  /**
   * Adds one pair.
   *
   * @param prediction finite; a probability for {@link TargetKind#BINARY_LABEL} and {@link
   *     TargetKind#PROBABILITY} (clipped at {@link LogLoss#EPS} for log loss only)
   * @param target 0 or 1 for {@code BINARY_LABEL}, in [0, 1] for {@code PROBABILITY}, finite for
   *     {@code REAL}
   * @throws IllegalArgumentException for a non-finite prediction or an illegal target; nothing
   *     is added then
   */
  public void add(double prediction, double target) {
    if (!Double.isFinite(prediction)) {
      throw new IllegalArgumentException("prediction: must be finite, got " + prediction);
    }
    switch (kind) {
      case BINARY_LABEL -> {
        if (target != 0.0 && target != 1.0) {
          throw new IllegalArgumentException("target: must be 0 or 1, got " + target);
        }
      }
      case PROBABILITY -> {
        if (!(target >= 0.0 && target <= 1.0)) {
          throw new IllegalArgumentException("target: must be in [0, 1], got " + target);
        }
      }
      case REAL -> {
        if (!Double.isFinite(target)) {
          throw new IllegalArgumentException("target: must be finite, got " + target);
        }
      }
    }
    double error = prediction - target;
    double loss = kind == TargetKind.REAL ? 0.0 : LogLoss.of(prediction, target);
    if (window > 0) {
      squared.add(error * error);
      absolute.add(Math.abs(error));
      if (logLoss != null) {
        logLoss.add(loss);
      }
      if (auc != null) {
        auc.add(prediction, target);
      }
      return;
    }
    count++;
    sumSquared += error * error;
    sumAbsolute += Math.abs(error);
    sumLogLoss += loss;
    if (kind == TargetKind.BINARY_LABEL) {
      if (target == 1.0) {
        if (positiveCount == positiveScores.length) {
          positiveScores = Arrays.copyOf(positiveScores, Math.max(16, positiveCount * 2));
        }
        positiveScores[positiveCount++] = prediction;
      } else {
        if (negativeCount == negativeScores.length) {
          negativeScores = Arrays.copyOf(negativeScores, Math.max(16, negativeCount * 2));
        }
        negativeScores[negativeCount++] = prediction;
      }
    }
  }

  /** The metrics of the pairs added (or of those in the window). */
  public Scores scores() {
    if (window > 0) {
      int n = squared.size();
      if (n == 0) {
        return Scores.empty();
      }
      return new Scores(n,
          auc == null ? Double.NaN : auc.value(),
          logLoss == null ? Double.NaN : logLoss.mean(),
          Math.sqrt(Math.max(0.0, squared.mean())),
          absolute.mean());
    }
    if (count == 0) {
      return Scores.empty();
    }
    double aucValue = Double.NaN;
    if (kind == TargetKind.BINARY_LABEL) {
      aucValue = Auc.fromClasses(
          Arrays.copyOf(positiveScores, positiveCount), positiveCount,
          Arrays.copyOf(negativeScores, negativeCount), negativeCount);
    }
    return new Scores(count, aucValue,
        kind == TargetKind.REAL ? Double.NaN : sumLogLoss / count,
        Math.sqrt(sumSquared / count),
        sumAbsolute / count);
  }
}
