package io.tandem.streams.topology;

import io.tandem.model.MultiTaskModel;
import io.tandem.model.RowKey;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.tasks.ModelShape;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes one learner's model into its {@link ModelStores} just before each commit (the learner's
 * {@link BeforeCommitHooks before-commit action}): the embedding rows changed since the last
 * write, the events still buffered ({@link ModelStores#PENDING_KEY}, or its deletion when none
 * are) if the buffer changed, and, if a batch was learned or the dense part changed otherwise,
 * the dense blob with the drift watch's state and, for a model grown by runtime-declared tasks,
 * its shape ({@link ModelShape#STORE_KEY}).
 *
 * <p>Equivalence: writing the rows here rather than after each batch leaves the stores, at every
 * commit, with exactly the entries that writing after each batch would have left (a row's last
 * value wins either way; an evicted row is deleted either way), and a commit is the only point at
 * which the stores are read back (restore). What changes is the cost: a row touched by several
 * batches between two commits is serialised and put once.
 *
 * <p>Idempotent: a second call without changes in between writes nothing (both model stores run
 * the action, see {@link SaveOnCommitStore}). Not thread-safe: the stream thread only; the model
 * is read under the trainer's lock, so serving threads may predict meanwhile.
 */
final class CommitWriter {

  private final KeyValueStore<String, byte[]> dense;
  private final KeyValueStore<Bytes, byte[]> rows;
  private final JsonCodec<LabelledEvent> eventCodec;
  private final int configuredTasks;
  private boolean denseChanged;
  private boolean pendingChanged;

  /**
   * @param dense the store {@link ModelStores#DENSE_STORE}
   * @param rows the store {@link ModelStores#ROWS_STORE}
   * @param eventCodec encodes the buffered events
   * @param configuredTasks how many tasks the configuration declares (more in the model: it grew,
   *     and its shape is stored)
   */
  CommitWriter(KeyValueStore<String, byte[]> dense, KeyValueStore<Bytes, byte[]> rows,
      JsonCodec<LabelledEvent> eventCodec, int configuredTasks) {
    this.dense = Objects.requireNonNull(dense, "dense");
    this.rows = Objects.requireNonNull(rows, "rows");
    this.eventCodec = Objects.requireNonNull(eventCodec, "eventCodec");
    this.configuredTasks = configuredTasks;
  }

  /** Notes that the dense part changed (a batch learned, a sync mix, a grown model). */
  void denseChanged() {
    denseChanged = true;
  }

  /** Notes that the buffered events changed (an event added, a batch taken). */
  void pendingChanged() {
    pendingChanged = true;
  }

  /**
   * Puts the rows changed since the last call (drained under the trainer's lock) into the rows
   * store. The learner calls it before its model is replaced by a grown one, which does not know
   * what the old one changed; {@link #beforeCommit} calls it at every commit.
   */
  void saveRows(PrequentialTrainer trainer, MultiTaskModel model) {
    Map<RowKey, byte[]> dirty;
    trainer.lock().lock();
    try {
      dirty = model.drainDirtyRows();
    } finally {
      trainer.lock().unlock();
    }
    ModelStores.saveRows(dirty, rows);
  }

  /**
   * The before-commit action: writes what changed since the last call.
   *
   * @param trainer the learner's trainer (its lock guards the model)
   * @param model the learner's current model
   * @param pending the events buffered, not yet learned, in arrival order
   */
  void beforeCommit(PrequentialTrainer trainer, MultiTaskModel model,
      List<PendingEvents.Entry> pending) {
    saveRows(trainer, model);
    if (pendingChanged) {
      if (pending.isEmpty()) {
        dense.delete(ModelStores.PENDING_KEY);
      } else {
        dense.put(ModelStores.PENDING_KEY, PendingEvents.encode(pending, eventCodec));
      }
      pendingChanged = false;
    }
    if (!denseChanged) {
      return;
    }
    byte[] blob;
    Optional<byte[]> watch;
    trainer.lock().lock();
    try {
      blob = model.exportDense();
      watch = trainer.exportWatchState();
    } finally {
      trainer.lock().unlock();
    }
    ModelStores.saveDense(blob, dense);
    watch.ifPresent(state -> dense.put(ModelStores.WATCH_KEY, state));
    if (model.tasks().size() > configuredTasks) {
      dense.put(ModelShape.STORE_KEY, ModelShape.encode(model));
    }
    denseChanged = false;
  }
}
