package io.tandem.model.drift;

/**
 * Hyperparameters of {@link Adwin}. Immutable; validated on construction. The defaults
 * ({@link #defaults()}) are those of MOA's {@code ADWIN.java}, which River also uses.
 *
 * @param delta confidence of the cut test, in (0, 1); smaller means fewer false alarms and
 *     later detections (MOA: 0.002)
 * @param clock the cut test runs on every {@code clock}-th update, at least 1 (MOA: 32)
 * @param maxBucketsPerRow the exponential histogram keeps at most this many buckets of each size
 *     before merging the two oldest, at least 2 (MOA's M: 5)
 * @param minSubWindowLength the minimum-length parameter of the cut test, at least 1: it enters the
 *     bound as {@code n - minSubWindowLength + 1}, and a cut is tested only when both sub-windows
 *     hold more than {@code minSubWindowLength + 1} items (MOA: 5)
 * @param gracePeriod no cut is tested while the window holds this many items or fewer, at least 0
 *     (MOA's minimum window length: 10)
 */
public record AdwinConfig(
    double delta, int clock, int maxBucketsPerRow, int minSubWindowLength, int gracePeriod) {

  /** Validates every component; throws {@link IllegalArgumentException} naming the bad one. */
  public AdwinConfig {
    if (!(delta > 0.0 && delta < 1.0)) {
      throw new IllegalArgumentException("adwin delta: must be in (0, 1), got " + delta);
    }
    if (clock < 1) {
      throw new IllegalArgumentException("adwin clock: must be at least 1, got " + clock);
    }
    if (maxBucketsPerRow < 2) {
      throw new IllegalArgumentException(
          "adwin maxBucketsPerRow: must be at least 2, got " + maxBucketsPerRow);
    }
    if (minSubWindowLength < 1) {
      throw new IllegalArgumentException(
          "adwin minSubWindowLength: must be at least 1, got " + minSubWindowLength);
    }
    if (gracePeriod < 0) {
      throw new IllegalArgumentException(
          "adwin gracePeriod: must be at least 0, got " + gracePeriod);
    }
  }

  /** MOA's parameters: delta 0.002, clock 32, 5 buckets per row, minimum sub-window 5, grace 10. */
  public static AdwinConfig defaults() {
    return new AdwinConfig(0.002, 32, 5, 5, 10);
  }

  /** A copy with another {@code delta}. */
  public AdwinConfig withDelta(double newDelta) {
    return new AdwinConfig(newDelta, clock, maxBucketsPerRow, minSubWindowLength, gracePeriod);
  }

  /** A copy with another {@code clock}. */
  public AdwinConfig withClock(int newClock) {
    return new AdwinConfig(delta, newClock, maxBucketsPerRow, minSubWindowLength, gracePeriod);
  }
}
