package io.tandem.model.metrics;

/**
 * A snapshot of the metrics of one set of (prediction, target) pairs. A metric that does not
 * apply to the pairs (AUC for a regression, log loss for real-valued targets) or that has no data
 * yet is NaN.
 *
 * @param count number of pairs, &gt;= 0
 * @param auc exact AUC (ties count one half), or NaN
 * @param logLoss mean log loss in nats (probabilities clipped at {@link LogLoss#EPS}), or NaN
 * @param rmse root mean squared error, in the target's unit, or NaN when empty
 * @param mae mean absolute error, in the target's unit, or NaN when empty
 */
public record Scores(long count, double auc, double logLoss, double rmse, double mae) {

  /** Validates: count non-negative. */
  public Scores {
    if (count < 0) {
      throw new IllegalArgumentException("count: must be >= 0, got " + count);
    }
  }

  /** The scores of no data: count 0, every metric NaN. */
  public static Scores empty() {
    return new Scores(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }
}
