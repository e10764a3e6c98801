package io.tandem.model.drift;

import java.util.Objects;

/**
 * Hyperparameters of {@link PageHinkley}. Immutable; validated on construction. The defaults
 * ({@link #defaults()}) are River's.
 *
 * @param minInstances no drift is reported before this many values have been seen, at least 1
 *     (River: 30)
 * @param delta magnitude of change tolerated per observation, finite and at least 0 (River: 0.005)
 * @param threshold the alarm level lambda of the test statistic, finite and greater than 0
 *     (River: 50)
 * @param alpha forgetting factor of the cumulative sums, in (0, 1] (River: 1 - 0.0001)
 * @param mode which direction of change to detect; not null (River: {@link Mode#BOTH})
 */
public record PageHinkleyConfig(
    int minInstances, double delta, double threshold, double alpha, Mode mode) {

  /** Direction of the change in the mean that the test watches. */
  public enum Mode {
    /** Only increases of the mean (the right choice for an error or loss signal). */
    UP,
    /** Only decreases of the mean. */
    DOWN,
    /** Increases and decreases. */
    BOTH
  }

  /** Validates every component; throws {@link IllegalArgumentException} naming the bad one. */
  public PageHinkleyConfig {
    Objects.requireNonNull(mode, "page-hinkley mode");
    if (minInstances < 1) {
      throw new IllegalArgumentException(
          "page-hinkley minInstances: must be at least 1, got " + minInstances);
    }
    if (!(Double.isFinite(delta) && delta >= 0.0)) {
      throw new IllegalArgumentException(
          "page-hinkley delta: must be finite and at least 0, got " + delta);
    }
    if (!(Double.isFinite(threshold) && threshold > 0.0)) {
      throw new IllegalArgumentException(
          "page-hinkley threshold: must be finite and greater than 0, got " + threshold);
    }
    if (!(alpha > 0.0 && alpha <= 1.0)) {
      throw new IllegalArgumentException("page-hinkley alpha: must be in (0, 1], got " + alpha);
    }
  }

  /** River's parameters: 30 instances, delta 0.005, threshold 50, alpha 0.9999, both directions. */
  public static PageHinkleyConfig defaults() {
    return new PageHinkleyConfig(30, 0.005, 50.0, 1.0 - 0.0001, Mode.BOTH);
  }

  /** A copy with another {@code mode}. */
  public PageHinkleyConfig withMode(Mode newMode) {
    return new PageHinkleyConfig(minInstances, delta, threshold, alpha, newMode);
  }

  /** A copy with another {@code threshold}. */
  public PageHinkleyConfig withThreshold(double newThreshold) {
    return new PageHinkleyConfig(minInstances, delta, newThreshold, alpha, mode);
  }
}
