package io.tandem.model.nn;

import java.util.function.DoubleSupplier;

/** Central finite differences in double precision, for gradient checks. */
public final class NumericGradient {

  /** Step of the central difference; with double arithmetic, errors are around 1e-9 here. */
  public static final double STEP = 1e-6;

  private NumericGradient() {}

  /** {@code (f(x+h) - f(x-h)) / 2h} for the coordinate {@code values[index]}, restored after. */
  public static double at(double[] values, int index, DoubleSupplier f) {
    double saved = values[index];
    values[index] = saved + STEP;
    double plus = f.getAsDouble();
    values[index] = saved - STEP;
    double minus = f.getAsDouble();
    values[index] = saved;
    return (plus - minus) / (2 * STEP);
  }

  /** Relative error {@code |a - b| / max(1, |a|, |b|)}. */
  public static double relativeError(double a, double b) {
    return Math.abs(a - b) / Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
  }
}
