package io.tandem.model.generator;

import java.util.random.RandomGenerator;

/**
 * Draws ranks {@code 0..n-1} with probability proportional to {@code 1 / (k + 1)^s} (a Zipf-like
 * popularity law; {@code s = 0} is uniform), by binary search in the cumulative weights: O(n)
 * memory, O(log n) per draw. Immutable; thread-safe if the random generator passed is not shared.
 */
final class ZipfSampler {

  private final double[] cumulative;

  ZipfSampler(int n, double exponent) {
    cumulative = new double[n];
    double total = 0.0;
    for (int k = 0; k < n; k++) {
      total += Math.pow(k + 1.0, -exponent);
      cumulative[k] = total;
    }
  }

  /** One rank, using one uniform draw of {@code random}. */
  int sample(RandomGenerator random) {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The probability of rank {@code k}. */
  double probability(int k) {
    double below = k == 0 ? 0.0 : cumulative[k - 1];
    return (cumulative[k] - below) / cumulative[cumulative.length - 1];
  }
}
