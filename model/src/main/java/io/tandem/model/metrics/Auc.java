package io.tandem.model.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * Exact area under the ROC curve.
 *
 * <p>AUC is the Mann-Whitney statistic: the probability that a randomly drawn positive scores
 * higher than a randomly drawn negative, a tie counting one half:
 *
 * <pre>
 *   AUC = ( #{(p, n) : s_p &gt; s_n} + 0.5 * #{(p, n) : s_p = s_n} ) / (P * N)
 * </pre>
 *
 * <p>Variant: instead of summing mid-ranks of the positives over the pooled sort (the textbook
 * rank-sum form, which gives the same number), the positive and the negative scores are sorted
 * separately and merged with two pointers; for each positive score the walk knows how many
 * negatives are strictly lower and how many are equal. O(n log n) time, O(n) extra memory, exact
 * (the counts are integers held in {@code long}s; one division at the end).
 *
 * <p>Reference: Hanley and McNeil, "The meaning and use of the area under a receiver operating
 * characteristic (ROC) curve", Radiology 143 (1982).
 *
 * <p>Stateless and thread-safe.
 */
public final class Auc {

  private Auc() {}

  /**
   * The exact AUC of {@code scores} against 0/1 {@code labels}.
   *
   * @param scores any finite numbers, higher meaning "more likely positive"; not modified
   * @param labels 0 or 1, same length as {@code scores}; not modified
   * @return the AUC in [0, 1], or NaN when there is no positive or no negative
   * @throws IllegalArgumentException on a length mismatch, a non-finite score or a label other
   *     than 0 and 1
   */
  public static double exact(double[] scores, double[] labels) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(labels, "labels");
    if (scores.length != labels.length) {
      throw new IllegalArgumentException("scores and labels: lengths differ, "
          + scores.length + " scores vs " + labels.length + " labels");
    }
    int positives = 0;
    for (int i = 0; i < labels.length; i++) {
      checkPair(scores[i], labels[i]);
      if (labels[i] == 1.0) {
        positives++;
      }
    }
    double[] pos = new double[positives];
    double[] neg = new double[labels.length - positives];
    int p = 0;
    int n = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == 1.0) {
        pos[p++] = scores[i];
      } else {
        neg[n++] = scores[i];
      }
    }
    return fromClasses(pos, pos.length, neg, neg.length);
  }

  /**
   * The exact AUC given the scores of the positives and of the negatives separately. Sorts the
   * first {@code positiveCount} / {@code negativeCount} entries of the arrays IN PLACE.
   *
   * @return the AUC, or NaN when either count is 0
   */
  static double fromClasses(
      double[] positives, int positiveCount, double[] negatives, int negativeCount) {
    if (positiveCount == 0 || negativeCount == 0) {
      return Double.NaN;
    }
    Arrays.sort(positives, 0, positiveCount);
    Arrays.sort(negatives, 0, negativeCount);
    long twiceWins = 0; // 2 * (wins + 0.5 * ties), kept integral
    int lo = 0; // negatives[0..lo) are strictly below the current positive
    for (int i = 0; i < positiveCount; i++) {
      double s = positives[i];
      while (lo < negativeCount && negatives[lo] < s) {
        lo++;
      }
      int hi = lo; // negatives[lo..hi) tie with it
      while (hi < negativeCount && negatives[hi] == s) {
        hi++;
      }
      twiceWins += 2L * lo + (hi - lo);
    }
    return twiceWins / (2.0 * positiveCount * (double) negativeCount);
  }

  static void checkPair(double score, double label) {
    if (!Double.isFinite(score)) {
      throw new IllegalArgumentException("score: must be finite, got " + score);
    }
    if (label != 0.0 && label != 1.0) {
      throw new IllegalArgumentException("label: must be 0 or 1 for AUC, got " + label);
    }
  }
}
