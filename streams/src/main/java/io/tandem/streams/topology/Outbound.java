package io.tandem.streams.topology;

import io.tandem.schemas.Prediction;
import io.tandem.schemas.TransferUpdate;
import java.util.Objects;

/**
 * What the learning processor emits: a prediction (to {@code topics.predictions}, key = user), a
 * transfer update (to {@code topics.transfer-updates}, key = task), a model snapshot (to
 * {@code topics.model}, key = stream task) or the dense parameters for replica sync (to
 * {@code topics.model-sync}). The topology splits the learner's output by type.
 */
sealed interface Outbound {

  /** A prediction for an event or a request. */
  record PredictionOut(Prediction prediction) implements Outbound {
    public PredictionOut {
      Objects.requireNonNull(prediction, "prediction");
    }
  }

  /** A transfer update: a candidate started, promoted or rolled back. */
  record TransferOut(TransferUpdate update) implements Outbound {
    public TransferOut {
      Objects.requireNonNull(update, "update");
    }
  }

  /**
   * A model snapshot ({@link io.tandem.model.MultiTaskModel#writeSnapshot}). Only carried, never
   * compared: its equality is that of the array reference.
   */
  record SnapshotOut(byte[] snapshot) implements Outbound {
    public SnapshotOut {
      Objects.requireNonNull(snapshot, "snapshot");
    }
  }

  /**
   * A stream task's dense parameters for replica sync ({@link io.tandem.streams.sync.SyncRecord}
   * bytes, to {@code topics.model-sync}, key = {@code <application.id>/<stream task>}). Only
   * carried, never compared.
   */
  record SyncOut(byte[] record) implements Outbound {
    public SyncOut {
      Objects.requireNonNull(record, "record");
    }
  }
}
