package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionRequest;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.config.CheckpointConfig;
import io.tandem.streams.config.SyncConfig;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The learner with {@code learner.pipelined} on and off, driven record by record through a mock
 * context (no commit after each record, unlike TopologyTestDriver, so learns really are in flight
 * while later records arrive, requests come and commits run): every output and every stored byte
 * must be the same.
 */
class PipelinedLearnerTest {

  private static final int BATCH = 8;
  /** A drift watch quick enough to alarm, transfer and onboard within a few hundred events. */
  private static final TransferConfig QUICK_DRIFT = TransferConfig.defaults()
      .withDetector(DetectorKind.PAGE_HINKLEY).withWarmupEvents(64).withShadowEvents(64)
      .withOnboardEvents(16);
  /** Checkpoints now and then (every 120 logged events), the log in between. */
  private static final CheckpointConfig POLICY =
      new CheckpointConfig(Duration.ofSeconds(30), 120);
  private static final int EVENTS = 700;
  private static final int DRIFT_AT = 250;
  private static final int DECLARE_AT = 350;

  /** One learner on its own stores, catalog and mock context. */
  private static final class Run {

    final LearnerFixture stores = new LearnerFixture();
    final BeforeCommitHooks hooks = new BeforeCommitHooks();
    final LiveModels models = new LiveModels(1);
    final DynamicTaskCatalog catalog = new DynamicTaskCatalog(LearnerFixture.CATALOG);
    final MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
    final LearnerProcessor learner;

    Run(boolean pipelined) {
      context.setCurrentSystemTimeMs(1_000);
      stores.attachTo(context);
      JsonCodec<LabelledEvent> codec =
          Codecs.labelledEvents(catalog, JsonCodec.DEFAULT_MAX_RECORD_BYTES);
      learner = new LearnerProcessor(LearnerFixture.CONFIG, LearnerFixture.TASKS, BATCH,
          Duration.ofMillis(50), codec, models, new SimpleMeterRegistry(), QUICK_DRIFT,
          Duration.ZERO, hooks, SyncConfig.off(), catalog, POLICY, pipelined);
      learner.init(context);
    }

    void event(LabelledEvent e) {
      learner.process(new Record<>(e.user(), new Inbound.Event(e, true), e.ts()));
    }

    void request(int i) {
      String user = "u" + (i % 17);
      learner.process(new Record<>(user, new Inbound.Request(
          new PredictionRequest("r-" + i, user, "i" + (i % 7), List.of(), 5_000L + i, Map.of()),
          true), 5_000L + i));
    }

    void commit() {
      hooks.run(context.taskId());
    }

    void linger() {
      context.scheduledPunctuators().get(0).getPunctuator().punctuate(2_000);
    }

    /** Forwarded records of one kind, as "key|timestamp|value" in forwarding order. */
    List<String> forwarded(Class<? extends Outbound> kind) {
      List<String> out = new ArrayList<>();
      for (var captured : context.forwarded()) {
        Record<? extends String, ? extends Outbound> r = captured.record();
        if (kind.isInstance(r.value())) {
          out.add(r.key() + "|" + r.timestamp() + "|" + r.value());
        }
      }
      return out;
    }

    List<TransferUpdate> transferUpdates() {
      return context.forwarded().stream()
          .filter(f -> f.record().value() instanceof Outbound.TransferOut)
          .map(f -> ((Outbound.TransferOut) f.record().value()).update()).toList();
    }

    List<Prediction> predictions() {
      return context.forwarded().stream()
          .filter(f -> f.record().value() instanceof Outbound.PredictionOut)
          .map(f -> ((Outbound.PredictionOut) f.record().value()).prediction()).toList();
    }

    /** Every entry of the three stores, keys and values in hex, by store and key. */
    Map<String, String> storeBytes() {
      Map<String, String> out = new TreeMap<>();
      dump("rows", stores.rows, k -> HexFormat.of().formatHex(k.get()), out);
      dump("dense", stores.dense, k -> k, out);
      dump("log", stores.log, k -> HexFormat.of().formatHex(k.get()), out);
      return out;
    }

    private static <K> void dump(String store, KeyValueStore<K, byte[]> s,
        java.util.function.Function<K, String> key, Map<String, String> out) {
      try (KeyValueIterator<K, byte[]> it = s.all()) {
        while (it.hasNext()) {
          KeyValue<K, byte[]> kv = it.next();
          out.put(store + "/" + key.apply(kv.key), HexFormat.of().formatHex(kv.value));
        }
      }
    }
  }

  /** Event i: ctr clicks follow the user, flipped from DRIFT_AT; conversion once declared. */
  private static LabelledEvent event(int i) {
    String user = "u" + (i % 17);
    String item = "i" + (i % 7);
    long ts = 1_000L + i;
    if (i >= DECLARE_AT && i % 5 == 0) {
      return new LabelledEvent("e-" + i, "conversion", user, item, (i % 17) % 2, ts, Map.of());
    }
    if (i % 4 == 3) {
      return new LabelledEvent("e-" + i, "preference", user, item, 1 + (i % 17) % 5, ts,
          Map.of());
    }
    boolean clicks = ((i % 17) % 3 == 0) != (i >= DRIFT_AT);
    return new LabelledEvent("e-" + i, "ctr", user, item, clicks ? 1 : 0, ts, Map.of());
  }

  /** The same script for both runs: events, requests, commits and lingers interleaved. */
  private static Run play(boolean pipelined) {
    Run run = new Run(pipelined);
    for (int i = 0; i < EVENTS; i++) {
      if (i == DECLARE_AT) {
        run.catalog.declare(TaskDeclaration.binary("conversion", 2.0));
      }
      run.event(event(i));
      if (i % 7 == 3) {
        run.request(i);
      }
      if (i % 11 == 5) {
        run.commit();
      }
      if (i % 53 == 0) {
        run.linger();
      }
    }
    run.commit();
    run.linger();
    run.commit();
    return run;
  }

  @Test
  void shouldPublishAndStoreExactlyWhatSequentialLearningDoes() {
    // Given / When: the same records, requests, commits and punctuations, with and without
    // pipelining
    Run sequential = play(false);
    Run pipelined = play(true);

    // Then: the stream exercised what matters (several predictions per version, requests, a
    // drift transfer, an onboarding, checkpoints and a log)
    assertThat(sequential.predictions()).hasSizeGreaterThan(EVENTS);
    assertThat(sequential.transferUpdates()).extracting(TransferUpdate::action)
        .contains(TransferUpdate.Action.TRANSFER, TransferUpdate.Action.ONBOARD);
    assertThat(sequential.stores.dense.get(ModelStores.CHECKPOINT_KEY)).isNotNull();
    // and the pipelined run published the same records of each kind, in the same order, with
    // the same keys and timestamps, and left the same bytes in every store
    assertThat(pipelined.forwarded(Outbound.PredictionOut.class))
        .isEqualTo(sequential.forwarded(Outbound.PredictionOut.class));
    assertThat(pipelined.forwarded(Outbound.TransferOut.class))
        .isEqualTo(sequential.forwarded(Outbound.TransferOut.class));
    assertThat(pipelined.storeBytes()).isEqualTo(sequential.storeBytes());
    assertThat(pipelined.storeBytes()).doesNotContainKey("dense/" + ModelStores.PENDING_KEY)
        .doesNotContainKey("dense/" + ModelStores.UNSENT_TRANSFERS_KEY);
    pipelined.learner.close();
    sequential.learner.close();
  }

  @Test
  void shouldHoldBackABatchsTransferUpdatesUntilTheNextStepAndStoreThemIfACommitComesFirst() {
    // Given: a pipelined learner that has learned up to the batch before a transfer update
    Run reference = new Run(false);
    for (int k = 0; reference.transferUpdates().isEmpty(); k++) {
      reference.event(event(k));
      reference.commit();
    }
    TransferUpdate first = reference.transferUpdates().get(0);
    Run run = new Run(true);
    int i = 0;
    while (run.transferUpdates().isEmpty()) {
      run.event(event(i++));
      run.commit();
    }
    // (the updates came out at the record after the batch whose learn made them)
    assertThat(run.transferUpdates()).first().isEqualTo(first);
    Run late = new Run(true);
    for (int k = 0; k < i - 1; k++) {
      late.event(event(k));
      late.commit();
    }
    // When: the commit after the batch's last record awaited its learn, and the learner stops
    // (a crash: no further record) before it could forward the update
    assertThat(late.transferUpdates()).isEmpty();
    byte[] owed = late.stores.dense.get(ModelStores.UNSENT_TRANSFERS_KEY);

    // Then: the update is stored with that commit, and a successor on the same stores
    // publishes it at its first step
    assertThat(owed).isNotNull();
    MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000);
    late.stores.handTo(context);
    LearnerProcessor successor = new LearnerProcessor(LearnerFixture.CONFIG,
        LearnerFixture.TASKS, BATCH, Duration.ofMillis(50), Codecs.labelledEvents(late.catalog,
            JsonCodec.DEFAULT_MAX_RECORD_BYTES), new LiveModels(1), new SimpleMeterRegistry(),
        QUICK_DRIFT, Duration.ZERO, new BeforeCommitHooks(), SyncConfig.off(), late.catalog,
        POLICY, true);
    successor.init(context);
    assertThat(context.forwarded()).isEmpty();
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(2_000);
    assertThat(context.forwarded()).anySatisfy(f -> assertThat(f.record().value())
        .isEqualTo(new Outbound.TransferOut(first)));
    successor.close();
    late.learner.close();
    run.learner.close();
    reference.learner.close();
  }

  @Test
  void shouldFinishTheLearnInFlightOnCloseAndEndTheTrainerThread() {
    // Given: a full batch predicted, its learn handed to the trainer thread
    List<Thread> before = trainerThreads();
    Run run = new Run(true);
    for (int i = 0; i < BATCH; i++) {
      run.event(event(i));
    }
    LiveModel live = run.models.byTaskId(run.context.taskId().toString()).orElseThrow();
    assertThat(run.predictions()).hasSize(BATCH);

    // When: the processor closes without a commit first
    run.learner.close();

    // Then: the batch was learned, and the trainer thread is gone
    assertThat(live.trainer().version()).isEqualTo(1);
    assertThat(before).containsAll(trainerThreads());
  }

  private static List<Thread> trainerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("tandem-trainer-")).toList();
  }

  @Test
  void shouldKeepEveryBatchWhosePredictionsACommitPublishes() {
    // Given: a pipelined learner that predicted two batches, the second one's learn in flight
    Run run = new Run(true);
    Run twin = new Run(false);
    for (int i = 0; i < 2 * BATCH; i++) {
      run.event(event(i));
      twin.event(event(i));
    }

    // When: Kafka Streams commits (its clean close and every rebalance commit first)
    run.commit();
    twin.commit();

    // Then: the commit wrote both batches, byte for byte as the sequential learner did
    assertThat(run.storeBytes()).isEqualTo(twin.storeBytes());
    assertThat(run.storeBytes().keySet()).filteredOn(k -> k.startsWith("log/")).hasSize(2);
    run.learner.close();
    twin.learner.close();
  }
}
