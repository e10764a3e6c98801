package io.tandem.streams.tasks;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.schemas.Codecs;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The global store that follows {@code topics.tasks} (compacted, key = task name, value = a
 * task-declaration JSON) on every instance and feeds a {@link DynamicTaskCatalog}.
 *
 * <p>Nodes: source {@value #SOURCE} reads the topic as raw bytes; processor {@value #PROCESSOR}
 * validates each record and applies it to the catalog; store {@value #STORE} (in memory, no
 * changelog: the topic is its changelog) keeps the accepted declarations. On start Kafka Streams
 * restores the store from the topic before any stream thread runs, and the processor's
 * {@code init} replays the store into the catalog, so events of a task declared before a restart
 * validate at once.
 */
public final class TaskDeclarationStore {

  /** Name of the global store of task declarations. */
  public static final String STORE = "tandem-task-declarations";
  /** Name of the source node reading {@code topics.tasks}. */
  public static final String SOURCE = "tasks-source";
  /** Name of the processor node applying declarations to the catalog. */
  public static final String PROCESSOR = "tasks-catalog";

  private TaskDeclarationStore() {}

  /**
   * Adds the global store, its source and its processor to {@code topology}.
   *
   * @param topology the topology to extend (no I/O)
   * @param topic the task-declaration topic ({@code topics.tasks})
   * @param catalog the catalog the declarations feed
   * @param meters where {@code tandem.tasks.declarations} is counted
   * @return {@code topology}
   */
  public static Topology addTo(Topology topology, String topic, DynamicTaskCatalog catalog,
      MeterRegistry meters) {
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(meters, "meters");
    StoreBuilder<KeyValueStore<Bytes, byte[]>> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(STORE), Serdes.Bytes(), Serdes.ByteArray())
        .withLoggingDisabled();
    return topology.addGlobalStore(store, SOURCE, Serdes.Bytes().deserializer(),
        Serdes.ByteArray().deserializer(), topic, PROCESSOR,
        () -> new TaskDeclarationProcessor(catalog, Codecs.taskDeclarations(), meters));
  }
}
