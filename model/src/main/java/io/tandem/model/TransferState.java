package io.tandem.model;

import io.tandem.model.embedding.EmbeddingRow;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The transfer state of one {@link MultiTaskModel}, in one place: the shadow candidate (a tower
 * or a {@link TaskResidual residual}), the tower learning-rate boost after a promotion, the
 * loss-weight boost, the re-learning boost and the promoted task-specific residuals. The model
 * acts on these fields; this class writes, reads, clears and copies them, so that the dense blob
 * ({@link MultiTaskModel#exportDense}), its reader and model growth
 * ({@link MultiTaskModel#withTask}) cannot disagree on what the transfer state is.
 *
 * <p>Dense-blob layout (big-endian; each section appended by the format version named):
 * <ol>
 *   <li>(2) shadow: int task index or -1; if present: double learning-rate boost, long step
 *       count, the candidate tower's parameters and optimizer state as length-prefixed doubles;
 *   <li>(2) tower boost and loss-weight boost: each int task index or -1, double factor, long
 *       until-event;
 *   <li>(4) re-learning boost: int task index or -1, double embedding factor, double shared-part
 *       factor, long until-event;
 *   <li>(5) residuals: int count of promoted residuals, then per residual int task index, double
 *       learning rate, its rows and matrix ({@link TaskResidual#write}); then byte 1, double rate
 *       and the residual if the shadow candidate is a residual, else byte 0.
 * </ol>
 * An older blob reads with the later sections empty.
 *
 * <p>Fields are package-private and mutable: the model is the only user. Not thread-safe.
 */
final class TransferState {

  /** The dense-blob format version that added the residual section. */
  static final int RESIDUAL_FORMAT = 5;

  private final int taskCount;
  private final int dim;

  // The shadow candidate: a tower (shadowParams, its gradient and optimizer state) or, when
  // shadowResidual is set, the incumbent plus a residual. shadowTask < 0 = none.
  int shadowTask = -1;
  double shadowBoost = 1.0;
  long shadowSteps;
  final double[] shadowParams;
  final double[] shadowGrads;
  final double[] shadowState;
  TaskResidual shadowResidual;
  double shadowResidualRate;

  // A learning-rate boost of one task's tower until a model event count (after a promotion).
  int boostTask = -1;
  double boostFactor = 1.0;
  long boostUntil;

  // A loss-weight boost of one task until a model event count.
  int lossBoostTask = -1;
  double lossBoostFactor = 1.0;
  long lossBoostUntil;

  // A re-learning boost of one task until a model event count; relearnRows are the rows marked
  // in the current step (transient).
  int relearnTask = -1;
  double relearnEmbeddingFactor = 1.0;
  double relearnSharedFactor = 1.0;
  long relearnUntil;
  final Set<EmbeddingRow> relearnRows = Collections.newSetFromMap(new IdentityHashMap<>());

  // Promoted residuals per task (null = none) and their learning rates.
  final TaskResidual[] residuals;
  final double[] residualRates;

  /**
   * Empty state (no shadow, no boost, no residual).
   *
   * @param taskCount the model's tasks
   * @param towerLength parameters of one tower
   * @param stateSlots optimizer state slots per parameter
   * @param dim the embedding dimension
   */
  TransferState(int taskCount, int towerLength, int stateSlots, int dim) {
    this.taskCount = taskCount;
    this.dim = dim;
    this.shadowParams = new double[towerLength];
    this.shadowGrads = new double[towerLength];
    this.shadowState = new double[stateSlots * towerLength];
    this.residuals = new TaskResidual[taskCount];
    this.residualRates = new double[taskCount];
  }

  /** Detaches the shadow candidate (tower or residual). */
  void clearShadow() {
    shadowTask = -1;
    shadowBoost = 1.0;
    shadowSteps = 0;
    Arrays.fill(shadowParams, 0.0);
    Arrays.fill(shadowGrads, 0.0);
    Arrays.fill(shadowState, 0.0);
    shadowResidual = null;
    shadowResidualRate = 0.0;
  }

  /** Ends the tower learning-rate boost. */
  void clearTowerBoost() {
    boostTask = -1;
    boostFactor = 1.0;
    boostUntil = 0;
  }

  /** Ends the loss-weight boost. */
  void clearLossBoost() {
    lossBoostTask = -1;
    lossBoostFactor = 1.0;
    lossBoostUntil = 0;
  }

  /** Ends the re-learning boost. */
  void clearRelearning() {
    relearnTask = -1;
    relearnEmbeddingFactor = 1.0;
    relearnSharedFactor = 1.0;
    relearnUntil = 0;
    relearnRows.clear();
  }

  /** Everything empty, as in a fresh model. */
  void clear() {
    clearShadow();
    clearTowerBoost();
    clearLossBoost();
    clearRelearning();
    Arrays.fill(residuals, null);
    Arrays.fill(residualRates, 0.0);
  }

  /** Writes every section of the current format (see the class comment). */
  void write(DataOutputStream out) throws IOException {
    out.writeInt(shadowTask);
    if (shadowTask >= 0) {
      out.writeDouble(shadowBoost);
      out.writeLong(shadowSteps);
      MultiTaskModel.writeDoubles(out, shadowParams);
      MultiTaskModel.writeDoubles(out, shadowState);
    }
    out.writeInt(boostTask);
    out.writeDouble(boostFactor);
    out.writeLong(boostUntil);
    out.writeInt(lossBoostTask);
    out.writeDouble(lossBoostFactor);
    out.writeLong(lossBoostUntil);
    out.writeInt(relearnTask);
    out.writeDouble(relearnEmbeddingFactor);
    out.writeDouble(relearnSharedFactor);
    out.writeLong(relearnUntil);
    int promoted = 0;
    for (TaskResidual r : residuals) {
      promoted += r == null ? 0 : 1;
    }
    out.writeInt(promoted);
    for (int t = 0; t < taskCount; t++) {
      if (residuals[t] != null) {
        out.writeInt(t);
        out.writeDouble(residualRates[t]);
        residuals[t].write(out);
      }
    }
    out.writeBoolean(shadowResidual != null);
    if (shadowResidual != null) {
      out.writeDouble(shadowResidualRate);
      shadowResidual.write(out);
    }
  }

  /**
   * Replaces this state with what a blob of format {@code format} holds (sections the format
   * does not have read as empty).
   *
   * @throws IllegalArgumentException for an out-of-range task index, factor or rate
   */
  void read(DataInputStream in, int format) throws IOException {
    clear();
    if (format < 2) {
      return;
    }
    int shadow = taskIndex(in.readInt(), "shadow task index");
    if (shadow >= 0) {
      shadowBoost = in.readDouble();
      shadowSteps = in.readLong();
      MultiTaskModel.readDoubles(in, shadowParams, "shadow tower parameters");
      MultiTaskModel.readDoubles(in, shadowState, "shadow tower optimizer state");
      shadowTask = shadow;
    }
    boostTask = taskIndex(in.readInt(), "boosted task index");
    boostFactor = in.readDouble();
    boostUntil = in.readLong();
    lossBoostTask = taskIndex(in.readInt(), "loss-boosted task index");
    lossBoostFactor = in.readDouble();
    lossBoostUntil = in.readLong();
    if (format >= 4) {
      readRelearning(in);
    }
    if (format >= RESIDUAL_FORMAT) {
      readResiduals(in);
    }
  }

  private void readRelearning(DataInputStream in) throws IOException {
    int task = taskIndex(in.readInt(), "re-learning task index");
    double embeddingFactor = in.readDouble();
    double sharedFactor = in.readDouble();
    long until = in.readLong();
    if (task >= 0 && !(embeddingFactor >= 1.0 && embeddingFactor <= 100.0
        && sharedFactor >= 1.0 && sharedFactor <= 100.0 && until >= 0)) {
      throw new IllegalArgumentException("dense blob: re-learning boost factors "
          + embeddingFactor + " and " + sharedFactor + " (each must be in [1, 100]) until event "
          + until + " (must be >= 0)");
    }
    relearnTask = task;
    relearnEmbeddingFactor = task < 0 ? 1.0 : embeddingFactor;
    relearnSharedFactor = task < 0 ? 1.0 : sharedFactor;
    relearnUntil = task < 0 ? 0 : until;
  }

  private void readResiduals(DataInputStream in) throws IOException {
    int promoted = in.readInt();
    if (promoted < 0 || promoted > taskCount) {
      throw new IllegalArgumentException("dense blob: " + promoted + " promoted residuals, must"
          + " be in 0.." + taskCount);
    }
    for (int k = 0; k < promoted; k++) {
      int t = taskIndex(in.readInt(), "residual task index");
      if (t < 0 || residuals[t] != null) {
        throw new IllegalArgumentException("dense blob: residual task index " + t
            + " is missing or repeated");
      }
      residualRates[t] = rate(in.readDouble());
      residuals[t] = TaskResidual.read(in, dim);
    }
    if (in.readBoolean()) {
      if (shadowTask < 0) {
        throw new IllegalArgumentException("dense blob: a residual candidate without a shadow"
            + " task");
      }
      shadowResidualRate = rate(in.readDouble());
      shadowResidual = TaskResidual.read(in, dim);
    }
  }

  private int taskIndex(int index, String what) {
    if (index < -1 || index >= taskCount) {
      throw new IllegalArgumentException("dense blob: " + what + " " + index
          + " is out of range for " + taskCount + " tasks");
    }
    return index;
  }

  private static double rate(double rate) {
    if (!(Double.isFinite(rate) && rate > 0)) {
      throw new IllegalArgumentException("dense blob: residual learning rate " + rate
          + " must be finite and > 0");
    }
    return rate;
  }

  /**
   * Copies {@code smaller}'s state (a model with the same tasks minus the last one; task indices
   * keep their meaning) into this fresh state: the grown model carries the shadow, the boosts,
   * the re-learning span and the residuals over.
   */
  void copyFrom(TransferState smaller) {
    clear();
    if (smaller.shadowTask >= 0) {
      System.arraycopy(smaller.shadowParams, 0, shadowParams, 0, shadowParams.length);
      System.arraycopy(smaller.shadowState, 0, shadowState, 0, shadowState.length);
      shadowTask = smaller.shadowTask;
      shadowBoost = smaller.shadowBoost;
      shadowSteps = smaller.shadowSteps;
      shadowResidual = smaller.shadowResidual == null ? null : smaller.shadowResidual.copy();
      shadowResidualRate = smaller.shadowResidualRate;
    }
    boostTask = smaller.boostTask;
    boostFactor = smaller.boostFactor;
    boostUntil = smaller.boostUntil;
    lossBoostTask = smaller.lossBoostTask;
    lossBoostFactor = smaller.lossBoostFactor;
    lossBoostUntil = smaller.lossBoostUntil;
    relearnTask = smaller.relearnTask;
    relearnEmbeddingFactor = smaller.relearnEmbeddingFactor;
    relearnSharedFactor = smaller.relearnSharedFactor;
    relearnUntil = smaller.relearnUntil;
    for (int t = 0; t < smaller.taskCount; t++) {
      residuals[t] = smaller.residuals[t] == null ? null : smaller.residuals[t].copy();
      residualRates[t] = smaller.residualRates[t];
    }
  }
}
