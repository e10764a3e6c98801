package io.tandem.model.metrics;

/**
 * Exact AUC over the last {@code capacity} (score, label) pairs of a stream.
 *
 * <p>{@link #add} is O(1) (a ring buffer); {@link #value()} computes the exact AUC of the pairs
 * in the window with {@link Auc}'s sort-and-merge, O(N log N) per call, so call it at reporting
 * time, not per event. Ties count one half.
 *
 * <p>Not thread-safe.
 */
public final class WindowedAuc {

  private final double[] scores;
  private final boolean[] positive;
  private int next;
  private int size;
  private int positives;

  /**
   * An empty window.
   *
   * @param capacity how many of the latest pairs are kept, &gt;= 1
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public WindowedAuc(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("window capacity: must be >= 1, got " + capacity);
    }
    this.scores = new double[capacity];
    this.positive = new boolean[capacity];
  }

  /**
   * Appends a pair, evicting the oldest when the window is full.
   *
   * @param score finite score, higher = more likely positive
   * @param label 0 or 1
   * @throws IllegalArgumentException for a non-finite score or a label other than 0 and 1
   */
  public void add(double score, double label) {
    Auc.checkPair(score, label);
    if (size == scores.length) {
      if (positive[next]) {
        positives--;
      }
    } else {
      size++;
    }
    scores[next] = score;
    positive[next] = label == 1.0;
    if (positive[next]) {
      positives++;
    }
    next = (next + 1) % scores.length;
  }

  /** The exact AUC of the pairs in the window, or NaN if it lacks a positive or a negative. */
  public double value() {
    double[] pos = new double[positives];
    double[] neg = new double[size - positives];
    int p = 0;
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (positive[i]) {
        pos[p++] = scores[i];
      } else {
        neg[n++] = scores[i];
      }
    }
    return Auc.fromClasses(pos, p, neg, n);
  }

  /** How many pairs the window holds now. */
  public int size() {
    return size;
  }
}
