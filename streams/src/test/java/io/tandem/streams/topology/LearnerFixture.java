package io.tandem.streams.topology;

import io.tandem.model.ModelConfig;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * What the tests that drive a {@link LearnerProcessor} through a mock context share: a small
 * two-task model, and one instance per learner of its three stores (in memory, no logging, no
 * caching), so a test can hand one learner's committed stores to a successor.
 */
final class LearnerFixture {

  /** A binary task and a 1..5 regression. */
  static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));
  /** The declarations of {@link #TASKS}, weight 1 each. */
  static final TaskCatalog CATALOG = TaskCatalog.of(List.of(
      TaskDeclaration.binary("ctr", 1.0), TaskDeclaration.regression("preference", 1, 5, 1.0)));
  /** A model small enough to learn hundreds of events in milliseconds. */
  static final ModelConfig CONFIG = ModelConfig.defaults()
      .withEmbeddingDim(4).withExperts(2, 8).withTowerSize(4);

  final KeyValueStore<Bytes, byte[]> rows = store(ModelStores.ROWS_STORE, Serdes.Bytes());
  final KeyValueStore<String, byte[]> dense = store(ModelStores.DENSE_STORE, Serdes.String());
  final KeyValueStore<Bytes, byte[]> log = store(ModelStores.LOG_STORE, Serdes.Bytes());

  /** Initialises the three stores in {@code context} and registers them with it. */
  void attachTo(MockProcessorContext<?, ?> context) {
    for (KeyValueStore<?, byte[]> s : List.of(rows, dense, log)) {
      s.init(context.getStateStoreContext(), s);
      context.addStateStore(s);
    }
  }

  /** Registers the stores, already initialised, with a successor's {@code context}. */
  void handTo(MockProcessorContext<?, ?> context) {
    for (KeyValueStore<?, byte[]> s : List.of(rows, dense, log)) {
      context.addStateStore(s);
    }
  }

  private static <K> KeyValueStore<K, byte[]> store(String name, Serde<K> keys) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys,
        Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
  }
}
