package io.tandem.model.affinity;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Online task affinity on the shared dense parameters: for every ordered pair of tasks
 * {@code (i, j)}, a running average of how well a step on task {@code i} agrees with task
 * {@code j}'s recent descent direction.
 *
 * <p>Math: to first order, a gradient step {@code -lr g_i} changes task {@code j}'s loss by
 * {@code -lr g_i . grad L_j}, so the cosine between {@code g_i} and {@code L_j}'s gradient says
 * whether (and how much, relative to the step size) training {@code i} helps {@code j} — the
 * first-order approximation of the lookahead affinity of Fifty et al. (NeurIPS 2021, TAG). With
 * partial labels the two tasks are rarely in the same micro-batch, so {@code grad L_j} is replaced
 * by {@code m_j}, a running average (decay {@code beta}) of task {@code j}'s unit gradient
 * directions. On a step where task {@code i} is present, for every other task {@code j} with a
 * direction: {@code A_ij += beta (cos(g_i, m_j) - A_ij)}; then the present tasks' {@code m} are
 * updated. {@code A_ij} lies in {@code [-1, 1]}; unknown pairs (never measured) read 0.
 *
 * <p>Not thread-safe.
 */
public final class TaskAffinity {

  private final int tasks;
  private final int length;
  private final double beta;
  private final double[][] direction;
  private final boolean[] hasDirection;
  private final double[][] affinity;
  private final long[][] observations;

  /**
   * @param tasks number of tasks
   * @param length length of the shared gradient vectors
   * @param beta weight of the newest observation, in (0, 1]
   */
  public TaskAffinity(int tasks, int length, double beta) {
    this.tasks = tasks;
    this.length = length;
    this.beta = beta;
    this.direction = new double[tasks][length];
    this.hasDirection = new boolean[tasks];
    this.affinity = new double[tasks][tasks];
    this.observations = new long[tasks][tasks];
  }

  /**
   * Learns from one step's per-task gradients.
   *
   * @param gradients per-task gradients on the shared parameters (read only)
   * @param present which tasks have a gradient this step (a zero gradient is skipped)
   */
  public void observe(double[][] gradients, boolean[] present) {
    double[] norms = new double[tasks];
    for (int i = 0; i < tasks; i++) {
      norms[i] = present[i] ? Math.sqrt(dot(gradients[i], gradients[i])) : 0.0;
    }
    for (int i = 0; i < tasks; i++) {
      if (norms[i] == 0) {
        continue;
      }
      for (int j = 0; j < tasks; j++) {
        if (j == i || !hasDirection[j]) {
          continue;
        }
        double mj = Math.sqrt(dot(direction[j], direction[j]));
        if (mj == 0) {
          continue;
        }
        double cos = dot(gradients[i], direction[j]) / (norms[i] * mj);
        observations[i][j]++;
        affinity[i][j] = observations[i][j] == 1 ? cos
            : affinity[i][j] + beta * (cos - affinity[i][j]);
      }
    }
    for (int i = 0; i < tasks; i++) {
      if (norms[i] == 0) {
        continue;
      }
      double[] m = direction[i];
      double[] g = gradients[i];
      double inv = 1.0 / norms[i];
      if (!hasDirection[i]) {
        for (int k = 0; k < length; k++) {
          m[k] = g[k] * inv;
        }
        hasDirection[i] = true;
      } else {
        for (int k = 0; k < length; k++) {
          m[k] += beta * (g[k] * inv - m[k]);
        }
      }
    }
  }

  /** {@code A_ij}: the running affinity of task {@code from} towards {@code to}; 0 if unknown. */
  public double affinity(int from, int to) {
    return affinity[from][to];
  }

  /** Number of observations behind {@code A_ij}. */
  public long observations(int from, int to) {
    return observations[from][to];
  }

  /** Cosine helper for tests and callers: {@code a . b / (|a| |b|)}, 0 if either is zero. */
  public static double cosine(double[] a, double[] b) {
    double na = Math.sqrt(dot(a, a));
    double nb = Math.sqrt(dot(b, b));
    return na == 0 || nb == 0 ? 0.0 : dot(a, b) / (na * nb);
  }

  /**
   * Copies the state of {@code smaller}, an affinity over a prefix of this one's tasks and of its
   * shared parameters (a model that has since grown by a task, whose new gate extends the shared
   * part): directions into the first {@code smaller}'s length entries, pair averages and counts
   * for the old pairs. Everything involving a new task stays unmeasured.
   *
   * @throws IllegalArgumentException if {@code smaller} has more tasks or a longer shared part
   */
  public void copyFrom(TaskAffinity smaller) {
    if (smaller.tasks > tasks || smaller.length > length) {
      throw new IllegalArgumentException("affinity: cannot copy " + smaller.tasks + " tasks x "
          + smaller.length + " parameters into " + tasks + " x " + length);
    }
    for (int i = 0; i < smaller.tasks; i++) {
      hasDirection[i] = smaller.hasDirection[i];
      System.arraycopy(smaller.direction[i], 0, direction[i], 0, smaller.length);
      System.arraycopy(smaller.affinity[i], 0, affinity[i], 0, smaller.tasks);
      System.arraycopy(smaller.observations[i], 0, observations[i], 0, smaller.tasks);
    }
  }

  /** Writes the state. */
  public void writeState(DataOutput out) throws IOException {
    for (int i = 0; i < tasks; i++) {
      out.writeBoolean(hasDirection[i]);
      for (int k = 0; k < length; k++) {
        out.writeDouble(direction[i][k]);
      }
      for (int j = 0; j < tasks; j++) {
        out.writeDouble(affinity[i][j]);
        out.writeLong(observations[i][j]);
      }
    }
  }

  /** Reads state written by {@link #writeState} with the same shape. */
  public void readState(DataInput in) throws IOException {
    for (int i = 0; i < tasks; i++) {
      hasDirection[i] = in.readBoolean();
      for (int k = 0; k < length; k++) {
        direction[i][k] = in.readDouble();
      }
      for (int j = 0; j < tasks; j++) {
        affinity[i][j] = in.readDouble();
        observations[i][j] = in.readLong();
      }
    }
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }
}
