package io.tandem.model.metrics;

/**
 * The last {@code capacity} values of a stream of numbers and their mean.
 *
 * <p>A ring buffer with a running sum: {@link #add} is O(1). Adding and subtracting doubles lets
 * rounding error accumulate, so the sum is recomputed from the buffer once every {@code capacity}
 * evictions (amortised O(1)); the mean then agrees with a fresh sum to within a few ulps.
 *
 * <p>Not thread-safe.
 */
public final class RollingWindow {

  private final double[] values;
  private int next;
  private int size;
  private double sum;
  private int evictionsSinceResum;

  /**
   * An empty window.
   *
   * @param capacity how many of the latest values are kept, &gt;= 1
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public RollingWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("window capacity: must be >= 1, got " + capacity);
    }
    this.values = new double[capacity];
  }

  /**
   * Appends a value, evicting the oldest one when the window is full.
   *
   * @throws IllegalArgumentException if {@code value} is not finite
   */
  public void add(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("window value: must be finite, got " + value);
    }
    if (size == values.length) {
      sum -= values[next];
      evictionsSinceResum++;
    } else {
      size++;
    }
    values[next] = value;
    sum += value;
    next = (next + 1) % values.length;
    if (evictionsSinceResum >= values.length) {
      double fresh = 0.0;
      for (int i = 0; i < size; i++) {
        fresh += values[i];
      }
      sum = fresh;
      evictionsSinceResum = 0;
    }
  }

  /** The mean of the values in the window, or NaN when it is empty. */
  public double mean() {
    return size == 0 ? Double.NaN : sum / size;
  }

  /** The sum of the values in the window (0 when empty). */
  public double sum() {
    return sum;
  }

  /** How many values the window holds now, 0..capacity. */
  public int size() {
    return size;
  }

  /** The capacity given at construction. */
  public int capacity() {
    return values.length;
  }

  /** Whether the window holds {@code capacity} values. */
  public boolean isFull() {
    return size == values.length;
  }
}
