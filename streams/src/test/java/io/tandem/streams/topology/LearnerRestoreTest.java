package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.ModelConfig;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionRequest;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.streams.config.CheckpointConfig;
import io.tandem.streams.config.SyncConfig;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A learner restarted on the stores its predecessor committed (checkpoint + batch log) continues
 * with the same model and publishes nothing for the batches it re-learns.
 */
class LearnerRestoreTest {

  private static final int BATCH = 4;
  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));
  private static final TaskCatalog CATALOG = TaskCatalog.of(List.of(
      TaskDeclaration.binary("ctr", 1.0), TaskDeclaration.regression("preference", 1, 5, 1.0)));
  private static final ModelConfig CONFIG = ModelConfig.defaults()
      .withEmbeddingDim(4).withExperts(2, 8).withTowerSize(4);
  private static final JsonCodec<LabelledEvent> CODEC = Codecs.labelledEvents(CATALOG);
  private static final CheckpointConfig POLICY =
      new CheckpointConfig(Duration.ofSeconds(30), 1_000_000);

  private final KeyValueStore<Bytes, byte[]> rows = store(ModelStores.ROWS_STORE, Serdes.Bytes());
  private final KeyValueStore<String, byte[]> dense =
      store(ModelStores.DENSE_STORE, Serdes.String());
  private final KeyValueStore<Bytes, byte[]> log = store(ModelStores.LOG_STORE, Serdes.Bytes());
  private final BeforeCommitHooks hooks = new BeforeCommitHooks();
  private final LiveModels models = new LiveModels(1);

  private static <K> KeyValueStore<K, byte[]> store(String name, Serde<K> keys) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys,
        Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
  }

  /** A learner on the shared stores, initialised (restored) in a fresh mock context. */
  private Started start() {
    MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000);
    for (KeyValueStore<?, byte[]> s : List.of(rows, dense, log)) {
      s.init(context.getStateStoreContext(), s);
      context.addStateStore(s);
    }
    LearnerProcessor learner = new LearnerProcessor(CONFIG, TASKS, BATCH, Duration.ofMillis(50),
        CODEC, models, new SimpleMeterRegistry(), TransferConfig.defaults(), Duration.ZERO, hooks,
        SyncConfig.off(), new DynamicTaskCatalog(CATALOG), POLICY, true);
    learner.init(context);
    return new Started(context, learner);
  }

  private record Started(MockProcessorContext<String, Outbound> context,
      LearnerProcessor learner) {

    void event(int i) {
      LabelledEvent e = i % 3 == 2
          ? new LabelledEvent("e-" + i, "preference", "u" + (i % 3), "i" + (i % 5), 1 + i % 5,
              1000L + i, Map.of())
          : new LabelledEvent("e-" + i, "ctr", "u" + (i % 3), "i" + (i % 5), i % 2, 1000L + i,
              Map.of());
      learner.process(new Record<>(e.user(), new Inbound.Event(e, true), 1000L + i));
    }

    Prediction ask(String user, String item) {
      context.resetForwards();
      learner.process(new Record<>(user, new Inbound.Request(
          new PredictionRequest("r", user, item, List.of(), 7, Map.of()), true), 7L));
      return ((Outbound.PredictionOut) context.forwarded().get(0).record().value()).prediction();
    }

    long eventPredictions() {
      return context.forwarded().stream()
          .filter(f -> f.record().value() instanceof Outbound.PredictionOut p
              && p.prediction().id().startsWith("e-"))
          .count();
    }
  }

  @Test
  void shouldContinueWithTheSameModelWithoutRepublishingReLearnedBatches() {
    // Given a learner that learned 3 batches, logged but not checkpointed, plus 2 buffered
    // events, and committed
    Started first = start();
    for (int i = 0; i < 3 * BATCH + 2; i++) {
      first.event(i);
    }
    assertThat(first.eventPredictions()).isEqualTo(3 * BATCH);
    hooks.run(first.context().taskId());
    assertThat(dense.get(ModelStores.DENSE_KEY)).as("no checkpoint yet").isNull();
    Prediction before = first.ask("u1", "i2");

    // When it stops without closing (a crash) and a successor starts on the same stores
    Started second = start();

    // Then the successor re-learned the 3 logged batches without publishing anything, and
    // answers exactly as the predecessor did
    assertThat(second.context().forwarded()).isEmpty();
    Prediction after = second.ask("u1", "i2");
    assertThat(after.modelVersion()).isEqualTo(3);
    assertThat(after.scores()).isEqualTo(before.scores());

    // And when the 2 restored buffered events are joined by 2 more, their batch is published
    second.context().resetForwards();
    second.event(3 * BATCH + 2);
    second.event(3 * BATCH + 3);
    assertThat(second.eventPredictions()).isEqualTo(BATCH);
  }
}
