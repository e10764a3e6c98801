package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionRequest;
import io.tandem.streams.config.CheckpointConfig;
import io.tandem.streams.config.SyncConfig;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A learner restarted on the stores its predecessor committed (checkpoint + batch log) continues
 * with the same model and publishes nothing for the batches it re-learns.
 */
class LearnerRestoreTest {

  private static final int BATCH = 4;
  private static final JsonCodec<LabelledEvent> CODEC =
      Codecs.labelledEvents(LearnerFixture.CATALOG);
  private static final CheckpointConfig POLICY =
      new CheckpointConfig(Duration.ofSeconds(30), 1_000_000);

  private final LearnerFixture stores = new LearnerFixture();
  private final BeforeCommitHooks hooks = new BeforeCommitHooks();
  private final LiveModels models = new LiveModels(1);

  /** A learner on the shared stores, initialised (restored) in a fresh mock context. */
  private Started start() {
    MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000);
    stores.attachTo(context);
    LearnerProcessor learner = new LearnerProcessor(LearnerFixture.CONFIG, LearnerFixture.TASKS,
        BATCH, Duration.ofMillis(50), CODEC, models, new SimpleMeterRegistry(),
        TransferConfig.defaults(), Duration.ZERO, hooks, SyncConfig.off(),
        new DynamicTaskCatalog(LearnerFixture.CATALOG), POLICY, false);
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
    assertThat(stores.dense.get(ModelStores.DENSE_KEY)).as("no checkpoint yet").isNull();
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
