package io.tandem.model.drift;

/** Argument checks shared by the detectors. */
final class Signals {

  private Signals() {}

  /** Returns {@code value} if finite; otherwise throws naming the detector and the value. */
  static double requireFinite(String detector, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          detector + ": input value must be finite, got " + value);
    }
    return value;
  }
}
