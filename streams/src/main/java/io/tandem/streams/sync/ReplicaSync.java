package io.tandem.streams.sync;

import io.tandem.streams.config.Topics;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The two global state stores replica sync reads, and how the topology gets them.
 *
 * <p>{@link #SYNC_STORE} mirrors {@code topics.model-sync} (key {@code <application.id>/<stream
 * task>}, value a {@link SyncRecord}); {@link #TRANSFER_STORE} mirrors
 * {@code topics.transfer-updates} (key = task, value = the newest update's JSON). Both topics are
 * also WRITTEN by the same topology (its sinks): Kafka Streams allows a sink topic to feed a
 * global store (only a second source of the same topic is refused), which the topology tests
 * and the scale-out integration tests exercise. Each instance's global thread reads every
 * partition of both topics (under {@code exactly_once_v2} with {@code read_committed}, so only
 * committed records) and keeps them in memory; at start it reads them to the end before any
 * stream task runs. Why a global store: every stream task must see every other stream task's
 * record wherever it runs, which a partitioned source cannot give; a plain consumer thread could,
 * but would need its own offsets, restore and shutdown, which Kafka Streams already does for a
 * global store.
 *
 * <p>The stores are in memory (no changelog: the topic is their changelog); the sync topic is
 * compacted, so a restore reads one record per stream task. The transfer topic is not
 * compacted; it holds few records (two per transfer).
 */
public final class ReplicaSync {

  /** The global store of every stream task's newest dense parameters. */
  public static final String SYNC_STORE = "tandem-model-sync";
  /** The global store of the newest transfer update of every task. */
  public static final String TRANSFER_STORE = "tandem-transfer-follow";
  /** Node name of the sync store's source. */
  static final String SYNC_SOURCE = "model-sync-source";
  /** Node name of the transfer store's source. */
  static final String TRANSFER_SOURCE = "transfer-follow-source";

  private ReplicaSync() {}

  /**
   * Adds {@link #SYNC_STORE} over {@code topics.modelSync()} and {@link #TRANSFER_STORE} over
   * {@code topics.transferUpdates()} to {@code builder}. Both topics must exist when Kafka
   * Streams starts (a global store over a missing topic stops the instance).
   */
  public static void addGlobalStores(StreamsBuilder builder, Topics topics) {
    Objects.requireNonNull(builder, "builder");
    Objects.requireNonNull(topics, "topics");
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SYNC_STORE), Serdes.String(),
            Serdes.ByteArray()).withLoggingDisabled(),
        topics.modelSync(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SYNC_SOURCE),
        () -> new Mirror(SYNC_STORE));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TRANSFER_STORE),
            Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
        topics.transferUpdates(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(TRANSFER_SOURCE),
        () -> new Mirror(TRANSFER_STORE));
  }

  /** Keeps the newest value of each key of a topic in a global store; a tombstone deletes. */
  private static final class Mirror implements Processor<String, byte[], Void, Void> {

    private final String storeName;
    private KeyValueStore<String, byte[]> store;

    Mirror(String storeName) {
      this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}
