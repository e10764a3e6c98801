package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.Example;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.DeadLetterHeaders;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionSource;
import io.tandem.schemas.RejectionReason;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.TaskSettings;
import io.tandem.streams.learning.Examples;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.metrics.TandemMeters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TandemTopologyTest {

  private static final int BATCH = 4;
  private static final Duration LINGER = Duration.ofMillis(50);
  private static final String REASON_HEADER = DeadLetterHeaders.REASON;
  private static final String TOPIC_HEADER = DeadLetterHeaders.TOPIC;
  private static final String OFFSET_HEADER = DeadLetterHeaders.OFFSET;
  private static final RejectionReason MALFORMED = RejectionReason.MALFORMED_JSON;
  private static final RejectionReason UNKNOWN_TASK = RejectionReason.UNKNOWN_TASK;
  private static final RejectionReason BAD_LABEL = RejectionReason.LABEL_OUT_OF_RANGE;

  @TempDir
  Path stateDir;

  private TandemConfig config;
  private MeterRegistry meters;
  private LiveModels models;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<byte[], byte[]> requests;
  private TestOutputTopic<String, Prediction> predictions;
  private TestOutputTopic<byte[], byte[]> deadLetter;

  static TandemConfig testConfig() {
    return TandemConfig.defaults()
        .with("learner.batch.size", String.valueOf(BATCH))
        .with("learner.batch.linger.ms", String.valueOf(LINGER.toMillis()))
        .with("model.embedding.dim", "4")
        .with("model.experts", "2")
        .with("model.expert.size", "8")
        .with("model.tower.size", "4")
        .with("model.context.categorical", "device");
  }

  @BeforeEach
  void start() {
    config = testConfig();
    meters = new SimpleMeterRegistry();
    models = new LiveModels(1);
    Topology topology = TandemTopology.build(config, models, meters);
    Properties props = TandemApp.streamsProperties(config);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tandem-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(topology, props);
    ByteArraySerializer bytes = new ByteArraySerializer();
    events = driver.createInputTopic(config.topics().events(), bytes, bytes);
    requests = driver.createInputTopic(config.topics().requests(), bytes, bytes);
    predictions = driver.createOutputTopic(config.topics().predictions(), new StringDeserializer(),
        Codecs.predictions().serde().deserializer());
    deadLetter = driver.createOutputTopic(config.topics().deadLetter(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static String eventJson(int i, String task, double label) {
    String labelText = label == Math.rint(label) ? String.valueOf((long) label)
        : String.valueOf(label);
    return "{\"id\":\"e-" + i + "\",\"task\":\"" + task + "\",\"user\":\"u" + (i % 3)
        + "\",\"item\":\"i" + (i % 5) + "\",\"label\":" + labelText + ",\"ts\":" + (1000 + i)
        + ",\"context\":{\"device\":\"" + (i % 2 == 0 ? "mobile" : "desktop") + "\",\"hour\":"
        + (i % 24) + "}}";
  }

  private static LabelledEvent event(int i, String task, double label) {
    return new LabelledEvent("e-" + i, task, "u" + (i % 3), "i" + (i % 5), label, 1000 + i,
        Map.of("device", i % 2 == 0 ? "mobile" : "desktop", "hour", i % 24));
  }

  private static double labelOf(int i) {
    return i % 3 == 2 ? 1 + (i % 5) : (i % 2);
  }

  private static String taskOf(int i) {
    return i % 3 == 2 ? "preference" : "ctr";
  }

  private void pipeEvent(int i) {
    events.pipeInput(bytes("u" + (i % 3)), bytes(eventJson(i, taskOf(i), labelOf(i))));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private List<TaskSpec> tasks() {
    return config.taskSettings().stream().map(TaskSettings::spec).toList();
  }

  private static <K> long count(KeyValueStore<K, byte[]> store) {
    long n = 0;
    try (KeyValueIterator<K, byte[]> it = store.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldPublishOnePredictionPerEventMadeBeforeLearningFromIt() {
    // Given: a twin model fed the same batches by hand
    MultiTaskModel twin = MultiTaskModel.create(TandemTopology.modelConfig(config), tasks());

    for (int b = 0; b < 3; b++) {
      List<LabelledEvent> batch = new ArrayList<>();
      for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
        batch.add(event(i, taskOf(i), labelOf(i)));
      }
      List<Map<String, Double>> before = twin.predict(
          batch.stream().map(Examples::of).toList());

      // When: one full batch
      for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
        pipeEvent(i);
      }

      // Then: one prediction per event, equal to the pre-batch model's, stamped with its version
      List<TestRecord<String, Prediction>> out = predictions.readRecordsToList();
      assertThat(out).hasSize(BATCH);
      for (int k = 0; k < BATCH; k++) {
        Prediction p = out.get(k).value();
        assertThat(p.id()).isEqualTo(batch.get(k).id());
        assertThat(out.get(k).key()).isEqualTo(batch.get(k).user());
        assertThat(p.source()).isEqualTo(PredictionSource.EVENT);
        assertThat(p.modelVersion()).isEqualTo(b);
        assertThat(p.scores()).isEqualTo(before.get(k));
      }
      twin.learn(batch.stream().map(Examples::labelled).toList());
      List<Map<String, Double>> after = twin.predict(batch.stream().map(Examples::of).toList());
      assertThat(after).isNotEqualTo(before);
    }
    assertThat(meters.counter(TandemMeters.PREDICTIONS_PUBLISHED, TandemMeters.TAG_SOURCE,
        "event").count()).isEqualTo(3 * BATCH);
    assertThat(meters.counter(TandemMeters.EVENTS_TRAINED, TandemMeters.TAG_TASK, "ctr").count()
        + meters.counter(TandemMeters.EVENTS_TRAINED, TandemMeters.TAG_TASK, "preference")
        .count()).isEqualTo(3 * BATCH);
  }

  @Test
  void shouldFlushAPartialBatchWhenTheLingerExpires() {
    // Given: half a batch
    pipeEvent(0);
    pipeEvent(1);
    assertThat(predictions.isEmpty()).isTrue();

    // When
    driver.advanceWallClockTime(LINGER);

    // Then
    assertThat(predictions.readValuesToList()).extracting(Prediction::id)
        .containsExactly("e-0", "e-1");
    assertThat(models.maxVersion()).isEqualTo(1);
  }

  @Test
  void shouldAnswerARequestAtOnceWithOnlyTheRequestedTasks() {
    // Given: a buffered event that has not been learned yet
    pipeEvent(0);

    // When
    requests.pipeInput(bytes("u0"), bytes(
        "{\"id\":\"r-1\",\"user\":\"u0\",\"item\":\"i0\",\"tasks\":[\"ctr\"],\"ts\":5}"));

    // Then
    List<Prediction> out = predictions.readValuesToList();
    assertThat(out).hasSize(1);
    Prediction p = out.get(0);
    assertThat(p.id()).isEqualTo("r-1");
    assertThat(p.source()).isEqualTo(PredictionSource.REQUEST);
    assertThat(p.scores()).containsOnlyKeys("ctr");
    assertThat(p.modelVersion()).isZero();
    assertThat(meters.counter(TandemMeters.PREDICTIONS_PUBLISHED, TandemMeters.TAG_SOURCE,
        "request").count()).isEqualTo(1);
  }

  @Test
  void shouldRepartitionRecordsNotKeyedByTheirUser() {
    // When: a full batch produced without keys
    for (int i = 0; i < BATCH; i++) {
      events.pipeInput((byte[]) null, bytes(eventJson(i, "ctr", i % 2)));
    }

    // Then: still learned, one prediction each, keyed by user
    List<TestRecord<String, Prediction>> out = predictions.readRecordsToList();
    assertThat(out).hasSize(BATCH);
    assertThat(out).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().user()));
  }

  @Test
  void shouldKeepACheckpointAndABatchLogThatRestoreAnIdenticalModel() {
    // Given: two learned batches, a checkpoint interval passing, then a third batch
    for (int i = 0; i < 2 * BATCH; i++) {
      pipeEvent(i);
    }
    KeyValueStore<String, byte[]> dense = driver.getKeyValueStore(ModelStores.DENSE_STORE);
    KeyValueStore<Bytes, byte[]> rows = driver.getKeyValueStore(ModelStores.ROWS_STORE);
    KeyValueStore<Bytes, byte[]> log = driver.getKeyValueStore(ModelStores.LOG_STORE);
    assertThat(dense.get(ModelStores.DENSE_KEY)).as("checkpoint before its interval").isNull();
    assertThat(count(log)).isEqualTo(2);
    driver.advanceWallClockTime(config.checkpoint().interval());
    for (int i = 2 * BATCH; i < 3 * BATCH; i++) {
      pipeEvent(i);
    }
    predictions.readRecordsToList();

    // When: a fresh model is rebuilt from the stores: the checkpoint, then the log re-learned
    MultiTaskModel restored = MultiTaskModel.create(TandemTopology.modelConfig(config), tasks());
    boolean found = ModelStores.restore(restored, dense, rows);
    PrequentialTrainer trainer = new PrequentialTrainer(restored);
    ModelStores.Replayed replayed = ModelStores.replay(trainer, restored, dense, log, "test");

    // Then: the checkpoint holds two batches, the log (truncated) the third; same version, same
    // answers as the live model
    assertThat(found).isTrue();
    assertThat(count(rows)).isPositive();
    assertThat(Checkpoint.decode(dense.get(ModelStores.CHECKPOINT_KEY)).version()).isEqualTo(2);
    assertThat(count(log)).isEqualTo(1);
    assertThat(replayed.batches()).isEqualTo(1);
    assertThat(replayed.clean()).isTrue();
    assertThat(restored.version()).isEqualTo(3);
    requests.pipeInput(bytes("u1"),
        bytes("{\"id\":\"r-9\",\"user\":\"u1\",\"item\":\"i2\",\"ts\":7}"));
    Prediction live = predictions.readValue();
    assertThat(live.modelVersion()).isEqualTo(3);
    assertThat(restored.predict(List.of(Example.of("u1", "i2"))).get(0))
        .isEqualTo(live.scores());
  }

  @Test
  void shouldCommitBufferedEventsWithTheModelUntilTheirBatchIsLearned() {
    // Given: two events, fewer than a batch (the driver commits after every record)
    pipeEvent(0);
    pipeEvent(1);
    KeyValueStore<String, byte[]> dense = driver.getKeyValueStore(ModelStores.DENSE_STORE);

    // Then: the commit stored them, in order, next to the model
    PendingEvents.Restored stored = PendingEvents.decode(dense.get(ModelStores.PENDING_KEY),
        Codecs.labelledEvents(config.tasks()));
    assertThat(stored.rejected()).isEmpty();
    assertThat(stored.entries()).extracting(e -> e.event().id()).containsExactly("e-0", "e-1");

    // When: the linger flushes the batch and the next commit runs
    driver.advanceWallClockTime(LINGER);

    // Then: learned, so no longer stored as pending
    assertThat(predictions.readRecordsToList()).hasSize(2);
    assertThat(dense.get(ModelStores.PENDING_KEY)).isNull();
  }

  @Test
  void shouldRouteMalformedJsonToTheDeadLetterTopicWithOriginalBytesAndReason() {
    // Given
    byte[] key = bytes("u1");
    byte[] value = bytes("{\"id\":\"e-1\",\"task\":");

    // When
    events.pipeInput(key, value);

    // Then
    TestRecord<byte[], byte[]> dead = deadLetter.readRecord();
    assertThat(dead.key()).isEqualTo(key);
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead.headers(), REASON_HEADER)).isEqualTo(MALFORMED.code());
    assertThat(header(dead.headers(), TOPIC_HEADER)).isEqualTo(config.topics().events());
    assertThat(header(dead.headers(), OFFSET_HEADER)).isEqualTo("0");
    assertThat(predictions.isEmpty()).isTrue();
    assertThat(meters.counter(TandemMeters.EVENTS_INVALID, TandemMeters.TAG_REASON,
        MALFORMED.code()).count()).isEqualTo(1);
  }

  @Test
  void shouldRouteAnEventForAnUndeclaredTaskToTheDeadLetterTopic() {
    byte[] value = bytes(eventJson(1, "churn", 1));

    events.pipeInput(bytes("u1"), value);

    TestRecord<byte[], byte[]> dead = deadLetter.readRecord();
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead.headers(), REASON_HEADER)).isEqualTo(UNKNOWN_TASK.code());
  }

  @Test
  void shouldRouteALabelOutsideItsTasksRangeToTheDeadLetterTopic() {
    byte[] binary = bytes(eventJson(1, "ctr", 3));
    byte[] regression = bytes(eventJson(2, "preference", 9));

    events.pipeInput(bytes("u1"), binary);
    events.pipeInput(bytes("u2"), regression);

    List<TestRecord<byte[], byte[]>> dead = deadLetter.readRecordsToList();
    assertThat(dead).extracting(TestRecord::value).containsExactly(binary, regression);
    assertThat(dead).allSatisfy(r ->
        assertThat(header(r.headers(), REASON_HEADER)).isEqualTo(BAD_LABEL.code()));
    assertThat(header(dead.get(1).headers(), OFFSET_HEADER)).isEqualTo("1");
  }

  @Test
  void shouldRouteAnInvalidRequestToTheDeadLetterTopicAndKeepServingValidOnes() {
    byte[] bad = bytes("{\"id\":\"r-1\",\"user\":\"u1\"}");

    requests.pipeInput(bytes("u1"), bad);
    requests.pipeInput(bytes("u1"),
        bytes("{\"id\":\"r-2\",\"user\":\"u1\",\"item\":\"i1\",\"ts\":3}"));

    TestRecord<byte[], byte[]> dead = deadLetter.readRecord();
    assertThat(dead.value()).isEqualTo(bad);
    assertThat(header(dead.headers(), TOPIC_HEADER)).isEqualTo(config.topics().requests());
    assertThat(predictions.readValuesToList()).extracting(Prediction::id).containsExactly("r-2");
  }

  @Test
  void shouldKeepLearningAfterInvalidInput() {
    events.pipeInput(bytes("u0"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
    events.pipeInput((byte[]) null, (byte[]) null);
    for (int i = 0; i < BATCH; i++) {
      pipeEvent(i);
    }

    assertThat(deadLetter.readRecordsToList()).hasSize(2);
    assertThat(predictions.readValuesToList()).hasSize(BATCH);
    assertThat(models.maxVersion()).isEqualTo(1);
  }

  @Test
  void shouldRefuseToRestoreStateWrittenByAnotherModelConfiguration() {
    // Given: learned state checkpointed in the stores
    for (int i = 0; i < BATCH; i++) {
      pipeEvent(i);
    }
    driver.advanceWallClockTime(config.checkpoint().interval());
    KeyValueStore<Bytes, byte[]> rows = driver.getKeyValueStore(ModelStores.ROWS_STORE);
    KeyValueStore<String, byte[]> dense = driver.getKeyValueStore(ModelStores.DENSE_STORE);

    // When: a model with another embedding width restores it
    MultiTaskModel other = MultiTaskModel.create(
        TandemTopology.modelConfig(config).withEmbeddingDim(6), tasks());

    // Then
    assertThatThrownBy(() -> ModelStores.restore(other, dense, rows))
        .isInstanceOf(IncompatibleModelStateException.class)
        .hasMessageContaining("application.id");
  }
}
