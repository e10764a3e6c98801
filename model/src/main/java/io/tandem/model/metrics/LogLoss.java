package io.tandem.model.metrics;

/**
 * Per-event log loss (binary cross-entropy) with clipped probabilities.
 *
 * <pre>
 *   loss(p, y) = -( y * ln(q) + (1 - y) * ln(1 - q) ),   q = min(max(p, EPS), 1 - EPS)
 * </pre>
 *
 * <p>{@code y} may be a label (0 or 1) or a probability in [0, 1] (then the value is the
 * expected log loss of predicting {@code p} when the truth clicks with probability {@code y}).
 * Clipping at {@link #EPS} keeps a confident wrong prediction finite (at most {@code
 * -ln(1e-15)} ≈ 34.5) instead of infinite; it is the bound scikit-learn used by default.
 *
 * <p>Stateless and thread-safe.
 */
public final class LogLoss {

  /** Probabilities are clipped to {@code [EPS, 1 - EPS]} before taking logarithms. */
  public static final double EPS = 1e-15;

  private LogLoss() {}

  /**
   * The log loss of predicting probability {@code p} for target {@code y}, in nats.
   *
   * @param p predicted probability, finite (values outside [0, 1] are clipped like any other)
   * @param y target in [0, 1]
   * @throws IllegalArgumentException if {@code p} is not finite or {@code y} is outside [0, 1]
   */
  public static double of(double p, double y) {
    if (!Double.isFinite(p)) {
      throw new IllegalArgumentException("probability: must be finite, got " + p);
    }
    if (!(y >= 0.0 && y <= 1.0)) {
      throw new IllegalArgumentException("target: must be in [0, 1], got " + y);
    }
    double q = Math.min(Math.max(p, EPS), 1.0 - EPS);
    double loss = 0.0;
    if (y > 0.0) {
      loss -= y * Math.log(q);
    }
    if (y < 1.0) {
      loss -= (1.0 - y) * Math.log(1.0 - q);
    }
    return loss;
  }
}
