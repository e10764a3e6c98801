package io.tandem.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A task-specific embedding residual: a correction of one task's output built from the shared
 * user and item embeddings, created when a transfer starts for that task and read by no other
 * task.
 *
 * <h2>The math</h2>
 * For an example with user row {@code u} and item row {@code v} (the shared embeddings, as they
 * stand in the model's dense input, dimension {@code d}), the residual adds to the task's raw
 * output {@code z}
 *
 * <pre>
 *   r(u, v) = d_user(user) . v + u . d_item(item) + u^T M v
 * </pre>
 *
 * <ul>
 *   <li>{@code d_user}, {@code d_item}: sparse per-id delta rows (a missing row is zero): the
 *       first-order change of the wide product {@code (u + d_u) . (v + d_v)} that task-specific
 *       copies of the two rows would make, i.e. what the task would gain if it could move the
 *       shared rows for itself alone;
 *   <li>{@code M}: one dense {@code d x d} matrix for the task: a re-weighting of every
 *       user-item interaction at once. A drift that re-draws a task's specific factors changes
 *       its score from {@code w_old . (a_u (.) b_i)} to {@code w_new . (a_u (.) b_i)}, a bilinear
 *       form {@code a_u^T diag(w_new - w_old) b_i} shared by all pairs; when the embeddings
 *       encode the latent factors linearly ({@code u = A a_u}, {@code v = B b_i}, full column
 *       rank), {@code M} with {@code A^T M B = diag(w_new - w_old)} represents it exactly, and,
 *       being global, it learns from every event of the task instead of a few per id. (The
 *       tower's wide part reads {@code u (.) v}, i.e. only a diagonal {@code M}.)
 * </ul>
 *
 * <p>The residual is linear in its parameters with the shared rows held fixed, so fitting it is
 * convex for a convex loss (no saddle at zero, unlike a fresh factorisation {@code p_u . q_i}).
 * Gradients: {@code dr/d d_user = v}, {@code dr/d d_item = u}, {@code dr/dM = u v^T}. No
 * gradient flows from {@code r} into the shared rows (a stop-gradient), so the residual never
 * changes what other tasks see.
 *
 * <h2>The variant</h2>
 * Everything starts at zero (a candidate "incumbent plus residual" starts as the incumbent) and
 * learns with its own fresh Adagrad state ({@code s += g^2; x -= rate g / (sqrt(s) + eps)},
 * Duchi et al. 2011), so its steps start at about {@code rate} again: what re-learning after a
 * drift needs and what the shared rows' long-accumulated Adagrad state no longer gives. A delta
 * row exists only for an id that received a gradient (memory grows with the ids the task saw
 * since the residual was created, plus {@code 3 d^2} doubles for {@code M}); a model without
 * residuals pays nothing. Measured on the generator's abrupt drift (README "Drift watch and
 * transfer", seeds 1-4): the rows alone recovered 9% sooner than no action, {@code M} alone 19%,
 * both with the re-learning boost 26%.
 *
 * <p>Memory is bounded: each side (users, items) holds at most {@value #MAX_DELTA_ROWS} delta
 * rows, given to the first ids that receive a gradient; later ids get no row and are corrected
 * by {@code M} alone. The residual lives in the dense blob, which is written at every commit and
 * must stay below the changelog's record limit (16 MiB): unbounded rows would grow it with every
 * id the task sees after a promotion (512 bytes per row at d = 32) until the instance could no
 * longer store its model. At the bound and d = 32 the rows take about 4.2 MB.
 *
 * <p>Two residuals of one task add exactly ({@link #addInto}) while the rows of both fit the
 * bound: the residual is linear in its parameters, so promoting a candidate residual onto an
 * already promoted one sums them (a row the target has no room for is dropped).
 *
 * <p>Not thread-safe: owned by one {@link MultiTaskModel}.
 */
final class TaskResidual {

  private static final double EPSILON = 1e-8;

  /** Most delta rows per side (user rows; item rows). */
  static final int MAX_DELTA_ROWS = 4_096;

  /** One delta row: values, Adagrad accumulators and the gradient of the current step. */
  private static final class Row {
    final double[] values;
    final double[] accumulators;
    final double[] gradient;
    boolean touched;

    Row(int dim) {
      values = new double[dim];
      accumulators = new double[dim];
      gradient = new double[dim];
    }
  }

  private final int dim;
  private final Map<String, Row> users = new HashMap<>();
  private final Map<String, Row> items = new HashMap<>();
  private final List<Row> touchedRows = new ArrayList<>();
  // M, row-major d x d, with its Adagrad accumulators and the current step's gradient.
  private final double[] matrix;
  private final double[] matrixAccumulators;
  private final double[] matrixGradient;
  private boolean matrixTouched;

  /**
   * An empty residual (every delta zero).
   *
   * @param dim the embedding dimension, &gt;= 1
   */
  TaskResidual(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim: must be >= 1, got " + dim);
    }
    this.dim = dim;
    this.matrix = new double[dim * dim];
    this.matrixAccumulators = new double[dim * dim];
    this.matrixGradient = new double[dim * dim];
  }

  /** Delta rows held (user rows plus item rows; the matrix is not counted). */
  int rows() {
    return users.size() + items.size();
  }

  /**
   * {@code r(u, v)} for one example: {@code u} at {@code input[off .. off+dim)}, {@code v} right
   * after it (the model's dense input layout). Changes nothing.
   */
  double score(String user, String item, double[] input, int off) {
    double r = 0;
    Row du = users.get(user);
    if (du != null) {
      for (int i = 0; i < dim; i++) {
        r += du.values[i] * input[off + dim + i];
      }
    }
    Row dv = items.get(item);
    if (dv != null) {
      for (int i = 0; i < dim; i++) {
        r += input[off + i] * dv.values[i];
      }
    }
    for (int i = 0; i < dim; i++) {
      double mv = 0;
      int base = i * dim;
      for (int j = 0; j < dim; j++) {
        mv += matrix[base + j] * input[off + dim + j];
      }
      r += input[off + i] * mv;
    }
    return r;
  }

  /**
   * Adds {@code dz} (the loss gradient with respect to the task's output for this example) times
   * {@code dr/d rows} to the step's gradient, creating the example's rows if missing.
   */
  void accumulate(String user, String item, double[] input, int off, double dz) {
    if (dz == 0.0) {
      return;
    }
    double[] gu = gradient(users, user);
    if (gu != null) {
      for (int i = 0; i < dim; i++) {
        gu[i] += dz * input[off + dim + i];
      }
    }
    double[] gv = gradient(items, item);
    if (gv != null) {
      for (int i = 0; i < dim; i++) {
        gv[i] += dz * input[off + i];
      }
    }
    matrixTouched = true;
    for (int i = 0; i < dim; i++) {
      double dzu = dz * input[off + i];
      int base = i * dim;
      for (int j = 0; j < dim; j++) {
        matrixGradient[base + j] += dzu * input[off + dim + j];
      }
    }
  }

  /** The id's gradient buffer, its row created if missing and there is room; else null. */
  private double[] gradient(Map<String, Row> rows, String id) {
    Row row = rows.get(id);
    if (row == null) {
      if (rows.size() >= MAX_DELTA_ROWS) {
        return null;
      }
      row = new Row(dim);
      rows.put(id, row);
    }
    if (!row.touched) {
      row.touched = true;
      touchedRows.add(row);
    }
    return row.gradient;
  }

  /**
   * One Adagrad step at {@code rate} on every row with a gradient since the last step, and on the
   * matrix if it has one.
   */
  void step(double rate) {
    for (Row row : touchedRows) {
      for (int i = 0; i < dim; i++) {
        double g = row.gradient[i];
        double s = row.accumulators[i] + g * g;
        row.accumulators[i] = s;
        row.values[i] -= rate * g / (Math.sqrt(s) + EPSILON);
        row.gradient[i] = 0.0;
      }
      row.touched = false;
    }
    touchedRows.clear();
    if (matrixTouched) {
      for (int k = 0; k < matrix.length; k++) {
        double g = matrixGradient[k];
        double s = matrixAccumulators[k] + g * g;
        matrixAccumulators[k] = s;
        matrix[k] -= rate * g / (Math.sqrt(s) + EPSILON);
        matrixGradient[k] = 0.0;
      }
      matrixTouched = false;
    }
  }

  /**
   * Adds this residual into {@code target} (exact: the residual is linear in its parameters);
   * values add, and the target takes this residual's accumulators where this one has them (the
   * more recent, so the step size this residual had reached carries on).
   */
  void addInto(TaskResidual target) {
    merge(users, target.users);
    merge(items, target.items);
    for (int k = 0; k < matrix.length; k++) {
      target.matrix[k] += matrix[k];
      target.matrixAccumulators[k] = matrixAccumulators[k];
    }
  }

  private void merge(Map<String, Row> from, Map<String, Row> into) {
    // Ids in order, so which rows fit under the bound does not depend on hashing.
    for (Map.Entry<String, Row> e : new TreeMap<>(from).entrySet()) {
      Row mine = e.getValue();
      Row row = into.get(e.getKey());
      if (row == null) {
        if (into.size() >= MAX_DELTA_ROWS) {
          continue;
        }
        row = new Row(dim);
        into.put(e.getKey(), row);
      }
      for (int i = 0; i < dim; i++) {
        row.values[i] += mine.values[i];
        row.accumulators[i] = mine.accumulators[i];
      }
    }
  }

  /** A deep copy (no pending gradient). */
  TaskResidual copy() {
    TaskResidual out = new TaskResidual(dim);
    addInto(out);
    return out;
  }

  /** The user delta row of {@code user} (a copy), or null if there is none. */
  double[] userDelta(String user) {
    Row row = users.get(user);
    return row == null ? null : row.values.clone();
  }

  /** The item delta row of {@code item} (a copy), or null if there is none. */
  double[] itemDelta(String item) {
    Row row = items.get(item);
    return row == null ? null : row.values.clone();
  }

  /**
   * Writes int user-row count, then per row (sorted by id) the id and {@code dim} values and
   * {@code dim} accumulators; then the same for item rows; then the matrix's {@code dim^2}
   * values and {@code dim^2} accumulators. Pending gradients are not written (they are zero
   * between steps).
   */
  void write(DataOutputStream out) throws IOException {
    writeRows(out, users);
    writeRows(out, items);
    for (double x : matrix) {
      out.writeDouble(x);
    }
    for (double x : matrixAccumulators) {
      out.writeDouble(x);
    }
  }

  private void writeRows(DataOutputStream out, Map<String, Row> rows) throws IOException {
    out.writeInt(rows.size());
    for (Map.Entry<String, Row> e : new TreeMap<>(rows).entrySet()) {
      out.writeUTF(e.getKey());
      for (double x : e.getValue().values) {
        out.writeDouble(x);
      }
      for (double x : e.getValue().accumulators) {
        out.writeDouble(x);
      }
    }
  }

  /**
   * Reads what {@link #write} wrote.
   *
   * @throws IllegalArgumentException for a negative row count or a non-finite value
   */
  static TaskResidual read(DataInputStream in, int dim) throws IOException {
    TaskResidual out = new TaskResidual(dim);
    readRows(in, out.users, dim);
    readRows(in, out.items, dim);
    for (int k = 0; k < out.matrix.length; k++) {
      out.matrix[k] = finite(in.readDouble(), "matrix");
    }
    for (int k = 0; k < out.matrix.length; k++) {
      out.matrixAccumulators[k] = finite(in.readDouble(), "matrix");
    }
    return out;
  }

  private static void readRows(DataInputStream in, Map<String, Row> rows, int dim)
      throws IOException {
    int count = in.readInt();
    if (count < 0) {
      throw new IllegalArgumentException("dense blob: residual row count " + count
          + " must be >= 0");
    }
    for (int r = 0; r < count; r++) {
      String id = in.readUTF();
      Row row = new Row(dim);
      for (int i = 0; i < dim; i++) {
        row.values[i] = finite(in.readDouble(), "row '" + id + "'");
      }
      for (int i = 0; i < dim; i++) {
        row.accumulators[i] = finite(in.readDouble(), "row '" + id + "'");
      }
      rows.put(id, row);
    }
  }

  private static double finite(double x, String what) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("dense blob: residual " + what
          + " holds a non-finite value " + x);
    }
    return x;
  }
}
