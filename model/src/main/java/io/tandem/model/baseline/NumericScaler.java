package io.tandem.model.baseline;

import java.util.HashMap;
import java.util.Map;

/**
 * Online standardisation of numeric context fields: running mean and variance per field
 * (Welford's algorithm), updated from learned examples only. A value is mapped to {@code (x -
 * mean) / sd}, clipped to [-{@value #CLIP}, {@value #CLIP}]: plain SGD on a linear model is
 * stable only while {@code learningRate * |x|^2 < 2}, and a field that has so far barely varied
 * (the hour of a stream that started at midnight) would otherwise map its first new value to
 * dozens of standard deviations and throw the weights off. Before a field has two observations
 * (or while its variance is 0) it maps to 0.
 * Not thread-safe.
 */
final class NumericScaler {

  static final double CLIP = 3.0;
  private static final double MIN_SD = 1e-9;

  private final Map<String, double[]> stats = new HashMap<>(); // field -> {count, mean, m2}

  /** The standardised value of {@code x} for {@code field}; changes nothing. */
  double scale(String field, double x) {
    double[] s = stats.get(field);
    if (s == null || s[0] < 2) {
      return 0.0;
    }
    double sd = Math.sqrt(s[2] / s[0]);
    if (sd < MIN_SD) {
      return 0.0;
    }
    return Math.max(-CLIP, Math.min(CLIP, (x - s[1]) / sd));
  }

  /** Adds one observation of {@code field}. */
  void observe(String field, double x) {
    double[] s = stats.computeIfAbsent(field, f -> new double[3]);
    s[0] += 1;
    double delta = x - s[1];
    s[1] += delta / s[0];
    s[2] += delta * (x - s[1]);
  }
}
