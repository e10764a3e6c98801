package io.tandem.model.drift;

import java.util.Objects;

/**
 * DDM, the Drift Detection Method of Gama, Medas, Castillo and Rodrigues (2004), as in River's
 * {@code drift.binary.DDM}.
 *
 * <h2>The math</h2>
 * The input is a stream of errors {@code x_i} in [0, 1] (1 = the model was wrong). After {@code n}
 * values since the last restart, the error rate and its binomial standard deviation are
 * <pre>
 *   p_n = mean(x_1 .. x_n)          s_n = sqrt(p_n (1 - p_n) / n)
 * </pre>
 * Once {@code n > warmStart}, the detector keeps {@code (pmin, smin)}, the pair at which
 * {@code p + s} was smallest (ties move the minimum to the newer pair), then reports
 * <pre>
 *   warning when p_n + s_n > pmin + warningThreshold * smin     (default 2: ~95% one-sided)
 *   drift   when p_n + s_n > pmin + driftThreshold   * smin     (default 3: ~99%)
 * </pre>
 * A drift clears the warning flag; the next update restarts the detector from scratch. The
 * normal approximation of the binomial is what makes the thresholds confidence levels: the method
 * assumes a learner whose error rate does not grow while the data is stationary.
 *
 * <p>Cost: O(1) time and memory per update. Not thread-safe.
 *
 * <p>References: J. Gama, P. Medas, G. Castillo, P. Rodrigues. Learning with Drift Detection.
 * SBIA 2004, LNCS 3171, 286-295. River {@code river.drift.binary.DDM}.
 */
public final class Ddm implements DriftDetector {

  /** The detector's {@link #name()} and the owner tag of its state blobs. */
  public static final String NAME = "ddm";

  /** Newest state format this class writes and reads. */
  public static final int STATE_VERSION = 1;

  private final DdmConfig config;

  private long count;
  private double errorRate;
  private double minRate;
  private double minDeviation;
  private double minSum;
  private boolean warning;
  private boolean drift;

  /**
   * A DDM detector.
   *
   * @param config hyperparameters; not null
   */
  public Ddm(DdmConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    reset();
  }

  /** A DDM detector with the reference parameters ({@link DdmConfig#defaults()}). */
  public Ddm() {
    this(DdmConfig.defaults());
  }

  /** This detector's hyperparameters. */
  public DdmConfig config() {
    return config;
  }

  /**
   * {@inheritDoc}
   *
   * @param value the error of one prediction: 1 wrong, 0 right; any value in [0, 1] is accepted
   * @throws IllegalArgumentException if {@code value} is not finite or outside [0, 1]
   */
  @Override
  public void update(double value) {
    Signals.requireFinite(NAME, value);
    if (value < 0.0 || value > 1.0) {
      throw new IllegalArgumentException(
          NAME + ": input value must be an error in [0, 1], got " + value);
    }
    if (drift) {
      reset();
    }
    count++;
    errorRate += (value - errorRate) / count;
    double deviation = Math.sqrt(errorRate * (1.0 - errorRate) / count);
    if (count > config.warmStart()) {
      double sum = errorRate + deviation;
      if (sum <= minSum) {
        minRate = errorRate;
        minDeviation = deviation;
        minSum = minRate + minDeviation;
      }
      warning = sum > minRate + config.warningThreshold() * minDeviation;
      if (sum > minRate + config.driftThreshold() * minDeviation) {
        drift = true;
        warning = false;
      }
    }
  }

  /** The error rate {@code p} since the last restart; 0 before any update. */
  public double errorRate() {
    return errorRate;
  }

  @Override
  public boolean driftDetected() {
    return drift;
  }

  @Override
  public boolean warningDetected() {
    return warning;
  }

  @Override
  public void reset() {
    count = 0;
    errorRate = 0.0;
    minRate = Double.POSITIVE_INFINITY;
    minDeviation = Double.POSITIVE_INFINITY;
    minSum = Double.POSITIVE_INFINITY;
    warning = false;
    drift = false;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriftDetector freshCopy() {
    return new Ddm(config);
  }

  @Override
  public byte[] exportState() {
    return new StateWriter(NAME, STATE_VERSION)
        .writeInt(config.warmStart())
        .writeDouble(config.warningThreshold())
        .writeDouble(config.driftThreshold())
        .writeLong(count)
        .writeDouble(errorRate)
        .writeDouble(minRate)
        .writeDouble(minDeviation)
        .writeDouble(minSum)
        .writeBoolean(warning)
        .writeBoolean(drift)
        .toByteArray();
  }

  @Override
  public void importState(byte[] state) {
    StateReader in = new StateReader(state, NAME, STATE_VERSION);
    in.expectSame("warmStart", in.readInt(), config.warmStart());
    in.expectSame("warningThreshold", in.readDouble(), config.warningThreshold());
    in.expectSame("driftThreshold", in.readDouble(), config.driftThreshold());
    long newCount = in.readLong();
    double newErrorRate = in.readDouble();
    double newMinRate = in.readDouble();
    double newMinDeviation = in.readDouble();
    double newMinSum = in.readDouble();
    boolean newWarning = in.readBoolean();
    boolean newDrift = in.readBoolean();
    in.finish();
    in.check(newCount >= 0, "count must be non-negative, got " + newCount);
    in.check(newErrorRate >= 0.0 && newErrorRate <= 1.0,
        "error rate must be in [0, 1], got " + newErrorRate);

    count = newCount;
    errorRate = newErrorRate;
    minRate = newMinRate;
    minDeviation = newMinDeviation;
    minSum = newMinSum;
    warning = newWarning;
    drift = newDrift;
  }
}
