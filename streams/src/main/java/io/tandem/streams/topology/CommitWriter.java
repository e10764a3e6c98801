package io.tandem.streams.topology;

import io.tandem.model.MultiTaskModel;
import io.tandem.model.RowKey;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.config.CheckpointConfig;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.tasks.ModelShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps one learner's model in its {@link ModelStores} as a checkpoint plus a batch log.
 *
 * <p>The log: every micro-batch the model learns is put into {@link ModelStores#LOG_STORE} at
 * once ({@link #logBatch}, one {@link BatchLog} entry, ~60 bytes per event), so the commit that
 * includes the batch's input offsets also includes the batch. The checkpoint: the embedding rows
 * changed since the previous checkpoint, the dense blob with the drift watch's state, the grown
 * shape ({@link ModelShape#STORE_KEY}) of a model grown by runtime-declared tasks, and last the
 * {@link Checkpoint} mark (the first log sequence number not contained), written by the
 * before-commit action ({@link #beforeCommit}) only when one is due: when
 * {@link CheckpointConfig#interval()} has passed since the previous one and something was
 * learned, when the log holds {@link CheckpointConfig#maxLogEvents()} events, or when the model
 * changed in a way the log does not record ({@link #checkpointRequired}: a task grown in, a
 * replica-sync mix or a followed promotion, a discarded candidate). A restore loads the
 * checkpoint and re-learns the log from the mark on ({@link ModelStores#replay}); learning being
 * deterministic, the result is bit for bit the model that never stopped.
 *
 * <p>Truncation is one commit late: the entries a checkpoint covers are deleted by the action of
 * a later commit, the first after the learner did anything (so the checkpoint's own commit has
 * completed, even if Kafka Streams ran the action twice in it), when the checkpoint is durable
 * (under {@code at_least_once} the stores' changelog topics are not written atomically, so
 * deleting them in the checkpoint's own commit could lose both if that commit fails half-way).
 * Until then a restore skips them by their sequence number. With a zero interval every commit
 * checkpoints and nothing is logged: the layout before the log existed.
 *
 * <p>The buffered events ({@link ModelStores#PENDING_KEY}) are written at every commit in which
 * they changed, so every event whose offset a commit includes is either learned (logged or
 * checkpointed) or stored as pending in that commit.
 *
 * <p>The transfer updates a learner owes at a commit (pipelined learning: a batch whose learn the
 * commit awaited, see {@link UnsentTransfers}) are written under
 * {@link ModelStores#UNSENT_TRANSFERS_KEY} when they changed, and deleted once sent.
 *
 * <p>Call order: {@link #resume} once after the replay, then any of {@link #logBatch},
 * {@link #pendingChanged}, {@link #unsentTransfersChanged}, {@link #checkpointRequired},
 * {@link #saveRows} from the learner, and {@link #beforeCommit} exactly once per commit. Not
 * thread-safe: the stream thread only; the model is read under the trainer's lock, so serving
 * threads may predict meanwhile.
 */
final class CommitWriter {

  private final KeyValueStore<String, byte[]> dense;
  private final KeyValueStore<Bytes, byte[]> rows;
  private final KeyValueStore<Bytes, byte[]> log;
  private final JsonCodec<LabelledEvent> eventCodec;
  private final int configuredTasks;
  private final CheckpointConfig policy;
  private final LongSupplier clockMs;

  private long nextSequence;
  private long logStart;
  private long truncateBelow;
  private final List<Long> discard = new ArrayList<>();
  private long loggedEvents;
  private long lastCheckpointMs;
  private boolean learned;
  private boolean required;
  private boolean pendingChanged;
  private boolean unsentChanged;
  private boolean unsentStored;
  private final JsonCodec<TransferUpdate> transferCodec =
      Codecs.transferUpdates(Integer.MAX_VALUE);
  private boolean activeSinceCheckpoint;
  private long checkpoints;

  /**
   * @param dense the store {@link ModelStores#DENSE_STORE}
   * @param rows the store {@link ModelStores#ROWS_STORE}
   * @param log the store {@link ModelStores#LOG_STORE}
   * @param eventCodec encodes the buffered events
   * @param configuredTasks how many tasks the configuration declares (more in the model: it grew,
   *     and its shape is stored)
   * @param policy when to checkpoint
   * @param clockMs wall-clock time in milliseconds (the processor context's)
   */
  CommitWriter(KeyValueStore<String, byte[]> dense, KeyValueStore<Bytes, byte[]> rows,
      KeyValueStore<Bytes, byte[]> log, JsonCodec<LabelledEvent> eventCodec,
      int configuredTasks, CheckpointConfig policy, LongSupplier clockMs) {
    this.dense = Objects.requireNonNull(dense, "dense");
    this.rows = Objects.requireNonNull(rows, "rows");
    this.log = Objects.requireNonNull(log, "log");
    this.eventCodec = Objects.requireNonNull(eventCodec, "eventCodec");
    this.configuredTasks = configuredTasks;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    this.lastCheckpointMs = clockMs.getAsLong();
  }

  /**
   * Continues the log where the restore left it: numbering after the last replayed entry; the
   * entries the checkpoint already covered, and those the replay discarded, deleted at the next
   * commit; a checkpoint at the next commit if the replay was not clean.
   */
  void resume(ModelStores.Replayed replayed) {
    nextSequence = replayed.nextSequence();
    logStart = replayed.firstSequence();
    truncateBelow = replayed.checkpointSequence();
    discard.addAll(replayed.discarded());
    loggedEvents = replayed.events();
    learned = replayed.batches() > 0;
    required |= !replayed.clean();
    activeSinceCheckpoint = true;
  }

  /**
   * Records a batch the model has just learned: a log entry now (so it is in the same commit as
   * its input offsets), or, without a log, a checkpoint at the next commit.
   *
   * @param events the batch, in the order it was learned
   * @param versionAfter the model version after learning it
   * @param eventsAfter the events the model had learned after it
   */
  void logBatch(List<LabelledEvent> events, long versionAfter, long eventsAfter) {
    learned = true;
    activeSinceCheckpoint = true;
    if (!policy.logging()) {
      return;
    }
    BatchLog.Entry entry = new BatchLog.Entry(nextSequence, versionAfter, eventsAfter, events);
    log.put(Bytes.wrap(BatchLog.key(nextSequence)), BatchLog.encode(entry));
    nextSequence++;
    loggedEvents += events.size();
  }

  /**
   * Notes a change of the model that the log does not record (a grown task, a sync mix, a
   * followed promotion, a discarded candidate): the next commit checkpoints.
   */
  void checkpointRequired() {
    required = true;
  }

  /** Notes that the buffered events changed (an event added, a batch taken). */
  void pendingChanged() {
    pendingChanged = true;
    activeSinceCheckpoint = true;
  }

  /**
   * Notes that the learner's unsent transfer updates changed (some are owed, or the owed ones
   * were sent); {@code restored} says that the store holds some from before a restart.
   */
  void unsentTransfersChanged(boolean restored) {
    unsentChanged = true;
    unsentStored |= restored;
  }

  /** Checkpoints written so far by this writer. */
  long checkpoints() {
    return checkpoints;
  }

  /**
   * Puts the rows changed since the last call (drained under the trainer's lock) into the rows
   * store. The learner calls it before its model is replaced by a grown one, which does not know
   * what the old one changed (a checkpoint follows at the next commit); every checkpoint calls it.
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
   * The before-commit action: writes the buffered events if they changed and the transfer
   * updates the learner owes if they changed (none owed: the stored ones deleted), deletes the
   * log entries the previous call's checkpoint covered, and checkpoints if one is due. A call with
   * nothing learned or changed since the previous one writes nothing else.
   *
   * @param trainer the learner's trainer (its lock guards the model)
   * @param model the learner's current model
   * @param pending the events buffered, not yet learned, in arrival order
   * @param unsent the transfer updates made but not yet forwarded, in publishing order
   */
  void beforeCommit(PrequentialTrainer trainer, MultiTaskModel model,
      List<PendingEvents.Entry> pending, List<TransferPublisher.Ready> unsent) {
    if (unsentChanged) {
      if (!unsent.isEmpty()) {
        dense.put(ModelStores.UNSENT_TRANSFERS_KEY, UnsentTransfers.encode(unsent, transferCodec));
        unsentStored = true;
      } else if (unsentStored) {
        dense.delete(ModelStores.UNSENT_TRANSFERS_KEY);
        unsentStored = false;
      }
      unsentChanged = false;
    }
    if (pendingChanged) {
      if (pending.isEmpty()) {
        dense.delete(ModelStores.PENDING_KEY);
      } else {
        dense.put(ModelStores.PENDING_KEY, PendingEvents.encode(pending, eventCodec));
      }
      pendingChanged = false;
    }
    truncate();
    long now = clockMs.getAsLong();
    boolean due = required || learned && (!policy.logging()
        || loggedEvents >= policy.maxLogEvents()
        || now - lastCheckpointMs >= policy.interval().toMillis());
    if (due) {
      checkpoint(trainer, model);
      lastCheckpointMs = now;
    }
  }

  /** Deletes the entries below the last durable checkpoint's mark and those discarded. */
  private void truncate() {
    for (long sequence : discard) {
      log.delete(Bytes.wrap(BatchLog.key(sequence)));
    }
    discard.clear();
    if (truncateBelow <= logStart || !activeSinceCheckpoint) {
      return;
    }
    List<Bytes> covered = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = log.range(Bytes.wrap(BatchLog.key(logStart)),
        Bytes.wrap(BatchLog.key(truncateBelow - 1)))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        covered.add(entry.key);
      }
    }
    covered.forEach(log::delete);
    logStart = truncateBelow;
  }

  private void checkpoint(PrequentialTrainer trainer, MultiTaskModel model) {
    saveRows(trainer, model);
    byte[] blob;
    Optional<byte[]> watch;
    Checkpoint mark;
    trainer.lock().lock();
    try {
      blob = model.exportDense();
      watch = trainer.exportWatchState();
      mark = new Checkpoint(nextSequence, model.version(), model.events());
    } finally {
      trainer.lock().unlock();
    }
    ModelStores.saveDense(blob, dense);
    watch.ifPresent(state -> dense.put(ModelStores.WATCH_KEY, state));
    if (model.tasks().size() > configuredTasks) {
      dense.put(ModelShape.STORE_KEY, ModelShape.encode(model));
    }
    dense.put(ModelStores.CHECKPOINT_KEY, mark.encode());
    truncateBelow = nextSequence;
    activeSinceCheckpoint = false;
    loggedEvents = 0;
    learned = false;
    required = false;
    checkpoints++;
  }
}
