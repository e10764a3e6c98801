package io.tandem.streams.topology;

import io.tandem.model.MultiTaskModel;
import io.tandem.model.RowKey;
import io.tandem.streams.learning.PrequentialTrainer;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The state stores that hold a stream task's model, their names and their layout.
 *
 * <ul>
 *   <li>{@link #ROWS_STORE}: one entry per embedding row; key {@link RowKey#toBytes()}, value the
 *       row's binary form from {@link MultiTaskModel#drainDirtyRows()} (an evicted row is deleted).
 *       Rows are the unit of state, so a table may outgrow memory's snapshot budget and a restore
 *       replays only changed rows.
 *   <li>{@link #DENSE_STORE}: key {@link #DENSE_KEY}, value {@link MultiTaskModel#exportDense()}
 *       (dense parameters, optimizer and weighting state, a transfer candidate in shadow,
 *       counters, version); and, when drift is watched, key {@link #WATCH_KEY}, value the drift
 *       watch's state ({@link PrequentialTrainer#exportWatchState()}).
 *   <li>{@link #DENSE_STORE} also holds, under key {@link #PENDING_KEY}, the events buffered for
 *       the next micro-batch at the moment of a commit ({@link PendingEvents} format), and no such
 *       entry when none are: an event whose offset is committed before its batch is learned is
 *       thus committed with the model, so a crash or rebalance between commit and batch neither
 *       loses nor repeats it.
 * </ul>
 * Both are persistent (RocksDB) and changelogged (compacted topics
 * {@code <application.id>-<store>-changelog}); the dense store is cached. Everything is written
 * once per commit, by the {@link BeforeCommitHooks before-commit action} the learner registers
 * ({@link CommitWriter}) and the {@link SaveOnCommitStore}s around both stores run: the rows
 * changed since the last commit (each once, however many batches touched it), the dense blob
 * (about 1 MB, whose serialisation costs more than half a 64-event training step) and the pending
 * events. At every commit the stores therefore hold exactly what writing after each batch would
 * have left in them, and a restore only ever starts from a commit. The saving: a row touched by k
 * batches between two commits is serialised and put once, not k times (in a profile of {@code
 * TopologyThroughput}, rows written after every batch plus the commit's flush took about 14% of
 * the stream thread; the whole commit now about 8%). Under {@code exactly_once_v2} store
 * updates, predictions and input offsets commit in one transaction.
 */
public final class ModelStores {

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
   * The rows store, without a record cache: each changed row is written once per commit anyway,
   * so a cache would deduplicate nothing and only add a sorted-map insert and a flush per row.
   */
  static StoreBuilder<KeyValueStore<Bytes, byte[]>> rows(BeforeCommitHooks hooks) {
    return new SaveOnCommitStore.Builder<>(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ROWS_STORE),
            Serdes.Bytes(), Serdes.ByteArray()), hooks).withCachingDisabled();
  }

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
