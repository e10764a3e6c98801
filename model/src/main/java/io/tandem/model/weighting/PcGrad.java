package io.tandem.model.weighting;

/**
 * Projecting conflicting gradients (PCGrad; Yu et al., NeurIPS 2020) on the shared parameters.
 *
 * <p>For each task {@code i}, start from its gradient {@code p_i = g_i}; for every other task
 * {@code j} whose original gradient conflicts ({@code p_i . g_j < 0}), remove the conflicting
 * component: {@code p_i -= (p_i . g_j / |g_j|^2) g_j}. The update is {@code sum_i p_i}. The
 * paper visits the other tasks in random order; this implementation visits them in task order,
 * which is deterministic and, for two tasks, identical.
 *
 * <p>Holds one scratch vector; not thread-safe.
 */
public final class PcGrad {

  private final double[] projected;

  /** @param length length of the shared gradient vectors */
  public PcGrad(int length) {
    this.projected = new double[length];
  }

  /**
   * Adds {@code sum_i p_i} over the present tasks into {@code out[0..length)}.
   *
   * @param gradients per-task gradients (read only)
   * @param present which tasks have a gradient this step
   * @param out accumulator, length at least the gradient length
   * @return the number of (task, other task) pairs that conflicted
   */
  public int combineInto(double[][] gradients, boolean[] present, double[] out) {
    int conflicts = 0;
    int n = projected.length;
    for (int i = 0; i < gradients.length; i++) {
      if (!present[i]) {
        continue;
      }
      System.arraycopy(gradients[i], 0, projected, 0, n);
      for (int j = 0; j < gradients.length; j++) {
        if (j == i || !present[j]) {
          continue;
        }
        double[] gj = gradients[j];
        double dot = 0;
        double sq = 0;
        for (int k = 0; k < n; k++) {
          dot += projected[k] * gj[k];
          sq += gj[k] * gj[k];
        }
        if (dot < 0 && sq > 0) {
          conflicts++;
          double c = dot / sq;
          for (int k = 0; k < n; k++) {
            projected[k] -= c * gj[k];
          }
        }
      }
      for (int k = 0; k < n; k++) {
        out[k] += projected[k];
      }
    }
    return conflicts;
  }
}
