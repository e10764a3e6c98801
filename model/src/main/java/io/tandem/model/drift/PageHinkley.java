package io.tandem.model.drift;

import java.util.Objects;

/**
 * The Page-Hinkley test with a fading cumulative sum, the variant of River's
 * {@code drift.PageHinkley} (two-sided since River 0.15).
 *
 * <h2>The math</h2>
 * After the t-th value {@code x_t}, with the running mean {@code xbar_t} of all values seen since
 * the last restart (the current value included):
 * <pre>
 *   m_t  = alpha * m_{t-1}  + (x_t - xbar_t - delta)      M_t  = min(m_1 .. m_t)
 *   m'_t = alpha * m'_{t-1} + (x_t - xbar_t + delta)      M'_t = max(m'_1 .. m'_t)
 *   PH_up   = m_t - M_t            (grows when the mean increases)
 *   PH_down = M'_t - m'_t          (grows when the mean decreases)
 * </pre>
 * with {@code m_0 = m'_0 = 0}. Once {@code t >= minInstances}, a drift is reported when the watched
 * statistic exceeds {@code threshold} (lambda): {@code PH_up} for {@link PageHinkleyConfig.Mode#UP},
 * {@code PH_down} for {@code DOWN}, either for {@code BOTH}. With {@code alpha = 1} this is the
 * classic Page-Hinkley test; {@code alpha < 1} makes old deviations fade, so the statistic tracks
 * recent behaviour. There is no warning level. After a detection the next update restarts the
 * test from scratch (River's semantics).
 *
 * <p>River initialises {@code M'} to -1 rather than minus infinity; both give the same result
 * because the first {@code m'_1 = delta >= 0} (the first deviation is exactly 0).
 *
 * <p>Cost: O(1) time and memory per update. Not thread-safe.
 *
 * <p>References: E. S. Page. Continuous Inspection Schemes. Biometrika 41 (1954) 100-115.
 * D. V. Hinkley. Inference about the change-point from cumulative sum tests. Biometrika 58 (1971)
 * 509-523. River {@code river.drift.PageHinkley}.
 */
public final class PageHinkley implements DriftDetector {

  /** The detector's {@link #name()} and the owner tag of its state blobs. */
  public static final String NAME = "page-hinkley";

  /** Newest state format this class writes and reads. */
  public static final int STATE_VERSION = 1;

  private final PageHinkleyConfig config;

  private long count;
  private double mean;
  private double sumUp;
  private double minSumUp;
  private double sumDown;
  private double maxSumDown;
  private boolean drift;

  /**
   * A Page-Hinkley detector.
   *
   * @param config hyperparameters; not null
   */
  public PageHinkley(PageHinkleyConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    reset();
  }

  /** A Page-Hinkley detector with River's parameters ({@link PageHinkleyConfig#defaults()}). */
  public PageHinkley() {
    this(PageHinkleyConfig.defaults());
  }

  /** This detector's hyperparameters. */
  public PageHinkleyConfig config() {
    return config;
  }

  /** {@inheritDoc} Any finite value is accepted. */
  @Override
  public void update(double value) {
    Signals.requireFinite(NAME, value);
    if (drift) {
      reset();
    }
    count++;
    mean += (value - mean) / count;
    double deviation = value - mean;
    sumUp = config.alpha() * sumUp + deviation - config.delta();
    sumDown = config.alpha() * sumDown + deviation + config.delta();
    minSumUp = Math.min(minSumUp, sumUp);
    maxSumDown = Math.max(maxSumDown, sumDown);
    if (count >= config.minInstances()) {
      drift = switch (config.mode()) {
        case UP -> increaseStatistic() > config.threshold();
        case DOWN -> decreaseStatistic() > config.threshold();
        case BOTH -> increaseStatistic() > config.threshold()
            || decreaseStatistic() > config.threshold();
      };
    }
  }

  /** The statistic {@code PH_up = m_t - M_t} after the last update; 0 before any update. */
  public double increaseStatistic() {
    return count == 0 ? 0.0 : sumUp - minSumUp;
  }

  /** The statistic {@code PH_down = M'_t - m'_t} after the last update; 0 before any update. */
  public double decreaseStatistic() {
    return count == 0 ? 0.0 : maxSumDown - sumDown;
  }

  @Override
  public boolean driftDetected() {
    return drift;
  }

  /** Always false: Page-Hinkley has no warning level. */
  @Override
  public boolean warningDetected() {
    return false;
  }

  @Override
  public void reset() {
    count = 0;
    mean = 0.0;
    sumUp = 0.0;
    minSumUp = Double.POSITIVE_INFINITY;
    sumDown = 0.0;
    maxSumDown = Double.NEGATIVE_INFINITY;
    drift = false;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriftDetector freshCopy() {
    return new PageHinkley(config);
  }

  @Override
  public byte[] exportState() {
    return new StateWriter(NAME, STATE_VERSION)
        .writeInt(config.minInstances())
        .writeDouble(config.delta())
        .writeDouble(config.threshold())
        .writeDouble(config.alpha())
        .writeInt(config.mode().ordinal())
        .writeLong(count)
        .writeDouble(mean)
        .writeDouble(sumUp)
        .writeDouble(minSumUp)
        .writeDouble(sumDown)
        .writeDouble(maxSumDown)
        .writeBoolean(drift)
        .toByteArray();
  }

  @Override
  public void importState(byte[] state) {
    StateReader in = new StateReader(state, NAME, STATE_VERSION);
    in.expectSame("minInstances", in.readInt(), config.minInstances());
    in.expectSame("delta", in.readDouble(), config.delta());
    in.expectSame("threshold", in.readDouble(), config.threshold());
    in.expectSame("alpha", in.readDouble(), config.alpha());
    in.expectSame("mode", in.readInt(), config.mode().ordinal());
    long newCount = in.readLong();
    double newMean = in.readDouble();
    double newSumUp = in.readDouble();
    double newMinSumUp = in.readDouble();
    double newSumDown = in.readDouble();
    double newMaxSumDown = in.readDouble();
    boolean newDrift = in.readBoolean();
    in.finish();
    in.check(newCount >= 0, "count must be non-negative, got " + newCount);
    in.check(Double.isFinite(newMean) && Double.isFinite(newSumUp) && Double.isFinite(newSumDown),
        "mean and cumulative sums must be finite");

    count = newCount;
    mean = newMean;
    sumUp = newSumUp;
    minSumUp = newMinSumUp;
    sumDown = newSumDown;
    maxSumDown = newMaxSumDown;
    drift = newDrift;
  }
}
