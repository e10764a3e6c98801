package io.tandem.streams.topology;

import io.tandem.model.MultiTaskModel;
import io.tandem.model.RowKey;
import io.tandem.streams.learning.PrequentialTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state stores that hold a stream task's model, their names and their layout: a checkpoint
 * (rows and dense blob) plus a log of the micro-batches learned since.
 *
 * <ul>
 *   <li>{@link #ROWS_STORE}: one entry per embedding row; key {@link RowKey#toBytes()}, value the
 *       row's binary form from {@link MultiTaskModel#drainDirtyRows()} (an evicted row is deleted).
 *       Rows are the unit of state, so a table may outgrow memory's snapshot budget and a restore
 *       replays only changed rows.
 *   <li>{@link #DENSE_STORE}: key {@link #DENSE_KEY}, value {@link MultiTaskModel#exportDense()}
 *       (dense parameters, optimizer and weighting state, a transfer candidate in shadow,
 *       counters, version); when drift is watched, key {@link #WATCH_KEY}, value the drift
 *       watch's state ({@link PrequentialTrainer#exportWatchState()}); and key
 *       {@link #CHECKPOINT_KEY}, the {@link Checkpoint} mark: which log entries the checkpoint
 *       contains.
 *   <li>{@link #LOG_STORE}: one entry per micro-batch learned since the checkpoint
 *       ({@link BatchLog}: key the sequence number, value the events), in learning order.
 *   <li>{@link #DENSE_STORE} also holds, under key {@link #PENDING_KEY}, the events buffered for
 *       the next micro-batch at the moment of a commit ({@link PendingEvents} format), and no such
 *       entry when none are: an event whose offset is committed before its batch is learned is
 *       thus committed with the model, so a crash or rebalance between commit and batch neither
 *       loses nor repeats it. Likewise, under key {@link #UNSENT_TRANSFERS_KEY}, the transfer
 *       updates of a batch learned but not yet published at a commit ({@link UnsentTransfers}).
 * </ul>
 * All are persistent (RocksDB) and changelogged (compacted topics
 * {@code <application.id>-<store>-changelog}); the dense store is cached, the others are not.
 * Writing ({@link CommitWriter}): each learned batch goes into the log at once (about 60 bytes per
 * event); the rows changed since the last checkpoint (each once, however many batches touched
 * it), the dense blob (about 1.2 MB) and the mark only every
 * {@code learner.checkpoint.interval.ms} (or after {@code learner.checkpoint.max.log.events}
 * events, or after a change the log does not record), by the {@link BeforeCommitHooks
 * before-commit action} that the {@link SaveOnCommitStore} around the dense store runs. Reading
 * ({@link #restore}, then {@link #replay}): the checkpoint, then the log entries from the mark on,
 * re-learned in order; learning is deterministic, so the model is bit for bit the one that never
 * stopped (with replica sync on, each mix forces a checkpoint, so this holds there too). Under
 * {@code exactly_once_v2} the log, the checkpoint, the predictions and the input offsets commit
 * in one transaction.
 */
public final class ModelStores {

  private static final Logger LOG = LoggerFactory.getLogger(ModelStores.class);

  /** Name of the embedding-row store. */
  public static final String ROWS_STORE = "tandem-model-rows";
  /** Name of the dense-state store. */
  public static final String DENSE_STORE = "tandem-model-dense";
  /** The key of the model's dense blob in {@link #DENSE_STORE}. */
  public static final String DENSE_KEY = "dense";
  /**
   * The key of the drift watch's state (detectors, counters, shadow bookkeeping) in
   * {@link #DENSE_STORE}; written together with {@link #DENSE_KEY}, so both describe the same
   * model version.
   */
  public static final String WATCH_KEY = "drift-watch";
  /**
   * The key of the events buffered, not yet learned, at the last commit in {@link #DENSE_STORE}
   * (absent when none were).
   */
  public static final String PENDING_KEY = "pending-events";
  /**
   * The key of the transfer updates a learner owed at the last commit in {@link #DENSE_STORE}
   * ({@link UnsentTransfers} format; absent when it owed none): with pipelined learning, a
   * batch whose learn a commit awaited has its updates published after that commit.
   */
  public static final String UNSENT_TRANSFERS_KEY = "unsent-transfers";
  /** Name of the batch-log store. */
  public static final String LOG_STORE = "tandem-model-log";
  /**
   * The key of the {@link Checkpoint} mark in {@link #DENSE_STORE}: written after the blob, the
   * watch state and the rows of a checkpoint (absent in state written before the log existed:
   * read as "covers no log entry").
   */
  public static final String CHECKPOINT_KEY = "checkpoint";

  /**
   * Largest dense blob, in bytes (16 MiB), that the dense store's changelog accepts: the
   * changelog topic is created with this {@code max.message.bytes}, and
   * {@code TandemApp} raises the Streams producer's {@code max.request.size} to match. The blob
   * is one record on purpose: a single record is written atomically, so a restore never mixes
   * parameters of two versions (chunks could, under {@code at_least_once}). The default model's
   * blob is about 1.2 MB (Kafka's 1 MB default would refuse it).
   */
  public static final int MAX_DENSE_BYTES = 16 * 1024 * 1024;

  /**
   * Largest model snapshot record, in bytes, published on {@code topics.model} (the topic is
   * created with this {@code max.message.bytes}; the Streams producer's request limit covers it).
   * A larger snapshot is not published (logged): configure row expiry or a smaller model.
   */
  public static final int MAX_SNAPSHOT_BYTES = MAX_DENSE_BYTES;

  /** Bytes of record framing allowed on top of the blob (key, headers, batch header). */
  static final int DENSE_RECORD_OVERHEAD = 64 * 1024;

  private ModelStores() {}

  /**
   * The rows store, without a record cache: each changed row is written once per checkpoint
   * anyway, so a cache would deduplicate nothing and only add a sorted-map insert and a flush per
   * row. Uncached, its writes go to the changelog producer at once, so it needs no
   * {@link SaveOnCommitStore}.
   */
  static StoreBuilder<KeyValueStore<Bytes, byte[]>> rows() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ROWS_STORE),
        Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled();
  }

  /**
   * The batch-log store, without a record cache (each entry is put once and deleted once); its
   * changelog takes records as large as the dense store's (a batch of {@code learner.batch.size}
   * events is one record).
   */
  static StoreBuilder<KeyValueStore<Bytes, byte[]>> log() {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LOG_STORE),
        Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled()
        .withLoggingEnabled(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            String.valueOf(MAX_DENSE_BYTES + DENSE_RECORD_OVERHEAD)));
  }

  /**
   * The dense store, cached, wrapped in a {@link SaveOnCommitStore} whose cache flush runs the
   * learner's before-commit action once per commit.
   */
  static StoreBuilder<KeyValueStore<String, byte[]>> dense(BeforeCommitHooks hooks) {
    return new SaveOnCommitStore.Builder<>(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DENSE_STORE),
            Serdes.String(), Serdes.ByteArray()), hooks).withCachingEnabled()
        .withLoggingEnabled(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            String.valueOf(MAX_DENSE_BYTES + DENSE_RECORD_OVERHEAD)));
  }

  /**
   * Loads a fresh model from the stores: the dense blob if present, then every row.
   *
   * @return whether any state was found (false: the model stays freshly initialised)
   * @throws IncompatibleModelStateException if the stored state was written by a model with
   *     another configuration or task list (the message says how to start over)
   */
  static boolean restore(MultiTaskModel model, KeyValueStore<String, byte[]> dense,
      KeyValueStore<Bytes, byte[]> rows) {
    byte[] blob = dense.get(DENSE_KEY);
    boolean found = blob != null;
    try {
      if (blob != null) {
        model.importDense(blob);
      }
      try (KeyValueIterator<Bytes, byte[]> it = rows.all()) {
        while (it.hasNext()) {
          KeyValue<Bytes, byte[]> entry = it.next();
          model.importRow(RowKey.fromBytes(entry.key.get()), entry.value);
          found = true;
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IncompatibleModelStateException("cannot restore the model from state stores " + DENSE_STORE
          + " and " + ROWS_STORE + " (" + e.getMessage() + "); a changed model configuration or"
          + " task list needs a new application.id or a reset of the application", e);
    }
    return found;
  }

  /**
   * Restores the drift watch's state, if stored, into {@code trainer} (after {@link #restore}).
   *
   * @throws IncompatibleModelStateException if the stored state cannot be read
   */
  static void restoreWatch(PrequentialTrainer trainer, KeyValueStore<String, byte[]> dense) {
    byte[] state = dense.get(WATCH_KEY);
    if (state == null) {
      return;
    }
    try {
      trainer.importWatchState(state);
    } catch (IllegalArgumentException e) {
      throw new IncompatibleModelStateException("cannot restore the drift watch from state store "
          + DENSE_STORE + " (" + e.getMessage() + "); a changed task list or drift configuration"
          + " needs a new application.id or a reset of the application", e);
    }
  }

  /**
   * What {@link #replay} found and did.
   *
   * @param checkpointSequence the checkpoint's mark (0 without one): entries below it are
   *     already in the checkpoint
   * @param firstSequence the smallest sequence number in the log (the mark if the log is empty)
   * @param nextSequence the number the next logged batch gets (after every entry found, so a
   *     new entry never reuses a discarded one's key)
   * @param batches batches re-learned
   * @param events events re-learned
   * @param discarded sequence numbers of entries not re-learned because they did not fit the
   *     model (to delete)
   * @param clean whether every entry from the mark on was re-learned, in sequence, reaching the
   *     version and event count it had recorded
   */
  record Replayed(long checkpointSequence, long firstSequence, long nextSequence, int batches,
      long events, List<Long> discarded, boolean clean) {

    /** Copies the list. */
    Replayed {
      discarded = List.copyOf(discarded);
    }
  }

  /**
   * Re-learns the batch log on top of a restored checkpoint ({@link #restore} and
   * {@link #restoreWatch} first): every entry from the checkpoint's mark on, in sequence order,
   * through {@code trainer} exactly as it was first learned (predictions made on the way are
   * dropped: they were published when the batch was first learned). Entries below the mark are
   * skipped without decoding. An entry that does not fit the model (only possible after an
   * {@code at_least_once} crash in the middle of a commit) ends the replay: it and every later
   * entry are returned as discarded, and the replay is not clean; so is one with a gap in the
   * numbering or a version or event count other than recorded (both logged).
   *
   * @throws IncompatibleModelStateException for an entry or mark this version cannot read
   */
  static Replayed replay(PrequentialTrainer trainer, MultiTaskModel model,
      KeyValueStore<String, byte[]> dense, KeyValueStore<Bytes, byte[]> log, String scope) {
    byte[] stored = dense.get(CHECKPOINT_KEY);
    long mark = stored == null ? 0 : Checkpoint.decode(stored).nextSequence();
    long first = -1;
    long next = mark;
    int batches = 0;
    long events = 0;
    boolean clean = true;
    List<Long> discarded = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = log.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        long sequence = BatchLog.sequence(kv.key.get());
        first = first < 0 ? sequence : first;
        if (sequence < mark) {
          continue;
        }
        if (!discarded.isEmpty()) {
          discarded.add(sequence);
          next = sequence + 1;
          continue;
        }
        BatchLog.Entry entry = BatchLog.decode(kv.value);
        if (sequence != next) {
          LOG.warn("stream task {}: batch log entry {} follows {}: entries are missing (an"
              + " at_least_once crash?); re-learning what is there", scope, sequence, next - 1);
          clean = false;
        }
        try {
          trainer.predictThenLearn(entry.events());
        } catch (IllegalArgumentException e) {
          LOG.warn("stream task {}: batch log entry {} does not fit the restored model ({});"
              + " it and later entries are discarded", scope, sequence, e.getMessage());
          discarded.add(sequence);
          next = sequence + 1;
          clean = false;
          continue;
        }
        if (model.version() != entry.versionAfter() || model.events() != entry.eventsAfter()) {
          LOG.warn("stream task {}: re-learning batch log entry {} reached version {} and {}"
              + " events, it recorded {} and {}", scope, sequence, model.version(),
              model.events(), entry.versionAfter(), entry.eventsAfter());
          clean = false;
        }
        next = sequence + 1;
        batches++;
        events += entry.events().size();
      }
    }
    return new Replayed(mark, first < 0 ? mark : Math.min(first, mark), next, batches, events,
        discarded, clean);
  }

  /** Writes the rows changed since the last save (an evicted row, mapped to null, is deleted). */
  static void saveRows(Map<RowKey, byte[]> dirtyRows, KeyValueStore<Bytes, byte[]> rows) {
    for (Map.Entry<RowKey, byte[]> row : dirtyRows.entrySet()) {
      Bytes key = Bytes.wrap(row.getKey().toBytes());
      if (row.getValue() == null) {
        rows.delete(key);
      } else {
        rows.put(key, row.getValue());
      }
    }
  }

  /**
   * Writes the dense blob.
   *
   * @throws IncompatibleModelStateException if the blob exceeds {@link #MAX_DENSE_BYTES} (a
   *     smaller model configuration is needed; nothing is written then)
   */
  static void saveDense(byte[] denseBlob, KeyValueStore<String, byte[]> dense) {
    if (denseBlob.length > MAX_DENSE_BYTES) {
      throw new IncompatibleModelStateException("the model's dense state is " + denseBlob.length
          + " bytes, more than the " + MAX_DENSE_BYTES + " bytes its changelog record may hold;"
          + " configure a smaller model (model.embedding.dim, model.experts, model.expert.size,"
          + " model.hidden.sizes, model.tower.size)", null);
    }
    dense.put(DENSE_KEY, denseBlob);
  }
}
