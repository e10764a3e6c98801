package io.tandem.model.drift;

/**
 * Hyperparameters of {@link Ddm}. Immutable; validated on construction. The defaults
 * ({@link #defaults()}) are Gama et al.'s, as in River.
 *
 * @param warmStart the minimum {@code p + s} is tracked and the tests run only once more than
 *     this many values have been seen since the last restart, at least 0 (River: 30)
 * @param warningThreshold warning when {@code p + s > pmin + warningThreshold * smin}, finite and
 *     greater than 0 (River: 2)
 * @param driftThreshold drift when {@code p + s > pmin + driftThreshold * smin}, finite and at
 *     least {@code warningThreshold} (River: 3)
 */
public record DdmConfig(int warmStart, double warningThreshold, double driftThreshold) {

  /** Validates every component; throws {@link IllegalArgumentException} naming the bad one. */
  public DdmConfig {
    if (warmStart < 0) {
      throw new IllegalArgumentException("ddm warmStart: must be at least 0, got " + warmStart);
    }
    if (!(Double.isFinite(warningThreshold) && warningThreshold > 0.0)) {
      throw new IllegalArgumentException(
          "ddm warningThreshold: must be finite and greater than 0, got " + warningThreshold);
    }
    if (!(Double.isFinite(driftThreshold) && driftThreshold >= warningThreshold)) {
      throw new IllegalArgumentException(
          "ddm driftThreshold: must be finite and at least warningThreshold ("
              + warningThreshold + "), got " + driftThreshold);
    }
  }

  /** Gama et al.'s parameters: warm start 30, warning at 2 standard deviations, drift at 3. */
  public static DdmConfig defaults() {
    return new DdmConfig(30, 2.0, 3.0);
  }
}
