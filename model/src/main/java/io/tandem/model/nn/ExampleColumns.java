package io.tandem.model.nn;

/**
 * Copies chosen examples between column matrices (one array per value index, example {@code e}
 * at {@code [e]}, as the batched kernels hold a batch): {@link #gather} packs the listed examples
 * of a batch into the first columns of a smaller matrix, {@link #scatter} puts them back. The
 * shared parts use the pair to recompute a few examples of a kept batched forward.
 */
final class ExampleColumns {

  private ExampleColumns() {}

  /**
   * {@code to[i][a] = from[i][examples[a]]} for {@code i < rows}, {@code a < count}.
   *
   * @param from the batch's columns, at least {@code rows} of them
   * @param to the packed columns, at least {@code rows} of at least {@code count} values
   */
  static void gather(double[][] from, double[][] to, int rows, int[] examples, int count) {
    for (int i = 0; i < rows; i++) {
      double[] f = from[i];
      double[] t = to[i];
      for (int a = 0; a < count; a++) {
        t[a] = f[examples[a]];
      }
    }
  }

  /**
   * {@code to[i][examples[a]] = from[i][a]} for every row {@code i} of {@code from},
   * {@code a < count}.
   *
   * @param from the packed columns
   * @param to the batch's columns, at least as many as {@code from}
   */
  static void scatter(double[][] from, double[][] to, int[] examples, int count) {
    for (int i = 0; i < from.length; i++) {
      double[] f = from[i];
      double[] t = to[i];
      for (int a = 0; a < count; a++) {
        t[examples[a]] = f[a];
      }
    }
  }
}
