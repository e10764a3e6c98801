package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.streams.learning.PrequentialTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class CommitWriterTest {

  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));
  private static final ModelConfig CONFIG = ModelConfig.defaults()
      .withEmbeddingDim(4).withExperts(2, 8).withTowerSize(4)
      .withContextFields(List.of("device"), List.of("hour"));
  private static final JsonCodec<LabelledEvent> CODEC = Codecs.labelledEvents(TaskCatalog.of(
      List.of(TaskDeclaration.binary("ctr", 1.0),
          TaskDeclaration.regression("preference", 1, 5, 1.0))));

  private final MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();

  private <K> KeyValueStore<K, byte[]> store(String name, Serde<K> keys) {
    KeyValueStore<K, byte[]> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(name), keys, Serdes.ByteArray())
        .withLoggingDisabled().withCachingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  /** Batch {@code b}: 8 events over 3 users and 5 items, so batches touch the same rows. */
  private static List<LabelledEvent> batch(int b) {
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 8 * b; i < 8 * b + 8; i++) {
      events.add(i % 4 == 3
          ? new LabelledEvent("r-" + i, "preference", "u" + (i % 3), "i" + (i % 5), 1 + i % 5,
              2000L + i, Map.of())
          : new LabelledEvent("e-" + i, "ctr", "u" + (i % 3), "i" + (i % 5), i % 2, 1000L + i,
              Map.of("device", i % 2 == 0 ? "mobile" : "desktop", "hour", i % 24)));
    }
    return events;
  }

  private static <K> Map<K, List<Byte>> contents(KeyValueStore<K, byte[]> store) {
    Map<K, List<Byte>> out = new LinkedHashMap<>();
    try (KeyValueIterator<K, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<K, byte[]> e = it.next();
        List<Byte> bytes = new ArrayList<>(e.value.length);
        for (byte x : e.value) {
          bytes.add(x);
        }
        out.put(e.key, bytes);
      }
    }
    return out;
  }

  @Test
  void shouldLeaveTheStoresAtEachCommitAsWritingAfterEveryBatchWould() {
    // Given a learner writing at commits and a twin writing its rows after every batch
    MultiTaskModel model = MultiTaskModel.create(CONFIG, TASKS);
    PrequentialTrainer trainer = new PrequentialTrainer(model);
    KeyValueStore<Bytes, byte[]> rows = store("rows", Serdes.Bytes());
    KeyValueStore<String, byte[]> dense = store("dense", Serdes.String());
    CommitWriter writer = new CommitWriter(dense, rows, CODEC, TASKS.size());
    MultiTaskModel twin = MultiTaskModel.create(CONFIG, TASKS);
    PrequentialTrainer twinTrainer = new PrequentialTrainer(twin);
    KeyValueStore<Bytes, byte[]> twinRows = store("twin-rows", Serdes.Bytes());

    int b = 0;
    for (int batchesPerCommit : new int[] {3, 1, 4}) {
      for (int i = 0; i < batchesPerCommit; i++, b++) {
        trainer.predictThenLearn(batch(b));
        writer.denseChanged();
        twinTrainer.predictThenLearn(batch(b));
        ModelStores.saveRows(twin.drainDirtyRows(), twinRows);
      }

      // When the commit comes
      writer.beforeCommit(trainer, model, List.of());

      // Then both row stores hold the same entries, and the dense blob is the model's
      assertThat(contents(rows)).isNotEmpty().isEqualTo(contents(twinRows));
      assertThat(dense.get(ModelStores.DENSE_KEY)).isEqualTo(twin.exportDense());
    }
  }

  @Test
  void shouldWriteNothingWhenNothingChangedSinceTheLastCall() {
    // Given a commit after one batch, then both entries removed behind the writer's back
    MultiTaskModel model = MultiTaskModel.create(CONFIG, TASKS);
    PrequentialTrainer trainer = new PrequentialTrainer(model);
    KeyValueStore<Bytes, byte[]> rows = store("rows", Serdes.Bytes());
    KeyValueStore<String, byte[]> dense = store("dense", Serdes.String());
    CommitWriter writer = new CommitWriter(dense, rows, CODEC, TASKS.size());
    trainer.predictThenLearn(batch(0));
    writer.denseChanged();
    writer.beforeCommit(trainer, model, List.of());
    Bytes someRow;
    try (KeyValueIterator<Bytes, byte[]> it = rows.all()) {
      someRow = it.next().key;
    }
    rows.delete(someRow);
    dense.delete(ModelStores.DENSE_KEY);

    // When the action runs again (the second model store's flush in the same commit)
    writer.beforeCommit(trainer, model, List.of());

    // Then it wrote nothing
    assertThat(rows.get(someRow)).isNull();
    assertThat(dense.get(ModelStores.DENSE_KEY)).isNull();
  }

  @Test
  void shouldStoreTheBufferedEventsAndDeleteThemOnceLearned() {
    // Given two buffered events
    MultiTaskModel model = MultiTaskModel.create(CONFIG, TASKS);
    PrequentialTrainer trainer = new PrequentialTrainer(model);
    KeyValueStore<String, byte[]> dense = store("dense", Serdes.String());
    CommitWriter writer = new CommitWriter(dense, store("rows", Serdes.Bytes()), CODEC,
        TASKS.size());
    List<PendingEvents.Entry> pending = List.of(new PendingEvents.Entry(5, batch(0).get(0)),
        new PendingEvents.Entry(6, batch(0).get(1)));

    // When a commit finds them buffered
    writer.pendingChanged();
    writer.beforeCommit(trainer, model, pending);

    // Then they are stored in order
    assertThat(PendingEvents.decode(dense.get(ModelStores.PENDING_KEY), CODEC).entries())
        .isEqualTo(pending);

    // And when the next commit finds the buffer empty, the entry is gone
    writer.pendingChanged();
    writer.beforeCommit(trainer, model, List.of());
    assertThat(dense.get(ModelStores.PENDING_KEY)).isNull();
  }
}
