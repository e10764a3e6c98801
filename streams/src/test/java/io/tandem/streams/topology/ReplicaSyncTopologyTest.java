package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.MultiTaskModel;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.streams.sync.SyncRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replica sync in the topology, under {@link TopologyTestDriver} (one stream task, {@code 0_0}):
 * its parameters go out on the sync topic; another stream task's record, piped into the same
 * topic, reaches the global store and is mixed by the exact formula; records of another
 * application or configuration are not; another stream task's promotion is followed once, its
 * own and rolled-back ones never. The driver also proves that a topic the topology writes can
 * feed one of its global stores (Kafka Streams accepts the topology).
 */
class ReplicaSyncTopologyTest {

  private static final String APP = "tandem-sync-test";
  private static final Duration SYNC = Duration.ofSeconds(1);
  private static final double RATE = 0.25;
  /** The mix is one multiply-add per parameter; the expectation repeats it exactly. */
  private static final double EXACT = 0.0;

  @TempDir
  Path stateDir;

  private TandemConfig config;
  private SimpleMeterRegistry meters;
  private LiveModels models;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<String, byte[]> syncIn;
  private TestInputTopic<String, byte[]> transfersIn;
  private TestOutputTopic<String, byte[]> syncOut;

  @BeforeEach
  void start() {
    config = TandemTopologyTest.testConfig()
        .with("sync.interval.ms", String.valueOf(SYNC.toMillis()))
        .with("sync.mixing.rate", String.valueOf(RATE));
    meters = new SimpleMeterRegistry();
    models = new LiveModels(1);
    Properties props = TandemApp.streamsProperties(config);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(TandemTopology.build(config, models, meters), props);
    ByteArraySerializer bytes = new ByteArraySerializer();
    events = driver.createInputTopic(config.topics().events(), bytes, bytes);
    syncIn = driver.createInputTopic(config.topics().modelSync(), new StringSerializer(), bytes);
    transfersIn = driver.createInputTopic(config.topics().transferUpdates(),
        new StringSerializer(), bytes);
    syncOut = driver.createOutputTopic(config.topics().modelSync(), new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void learnOneBatch(int from) {
    for (int i = from; i < from + 4; i++) {
      String json = "{\"id\":\"e-" + i + "\",\"task\":\"ctr\",\"user\":\"u" + (i % 3)
          + "\",\"item\":\"i" + (i % 5) + "\",\"label\":" + (i % 2) + ",\"ts\":" + (1000 + i)
          + ",\"context\":{\"device\":\"mobile\",\"hour\":1}}";
      events.pipeInput(("u" + (i % 3)).getBytes(StandardCharsets.UTF_8),
          json.getBytes(StandardCharsets.UTF_8));
    }
  }

  private MultiTaskModel model() {
    return models.byTaskId("0_0").orElseThrow().model();
  }

  @Test
  void shouldPublishItsParametersOnceAfterLearningKeyedByApplicationAndStreamTask() {
    // Given a stream task that learned one batch
    learnOneBatch(0);

    // When the sync interval passes twice without further learning
    driver.advanceWallClockTime(SYNC);
    driver.advanceWallClockTime(SYNC);

    // Then exactly one record went out: this model's parameters, version and fingerprint
    List<TestRecord<String, byte[]>> out = syncOut.readRecordsToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).key()).isEqualTo(APP + "/0_0");
    SyncRecord record = SyncRecord.fromBytes(out.get(0).value());
    assertThat(record.fingerprint()).isEqualTo(model().fingerprint());
    assertThat(record.modelVersion()).isEqualTo(1);
    assertThat(record.events()).isEqualTo(4);
    assertThat(record.parameters()).isEqualTo(model().denseParameters());
    assertThat(meters.counter(TandemMeters.SYNC_PUBLISHED).count()).isEqualTo(1);
    // And its own record, back through the global store, was not mixed into itself
    assertThat(meters.counter(TandemMeters.SYNC_MIXED).count()).isZero();
  }

  @Test
  void shouldMixAnotherStreamTasksParametersByTheFormulaOnceAndIgnoreForeignRecords() {
    // Given a model, and another stream task's parameters (own + 1 each) in the sync topic,
    // plus a record of another application and one of another configuration
    learnOneBatch(0);
    double[] own = model().denseParameters();
    double[] other = own.clone();
    for (int i = 0; i < other.length; i++) {
      other[i] += 1.0;
    }
    long print = model().fingerprint();
    syncIn.pipeInput(APP + "/0_1", new SyncRecord(print, 7, 100, 5, other).toBytes());
    syncIn.pipeInput("another-app/0_2", new SyncRecord(print, 9, 100, 5, new double[own.length])
        .toBytes());
    syncIn.pipeInput(APP + "/0_3", new SyncRecord(print + 1, 9, 100, 5,
        new double[own.length]).toBytes());

    // When the sync interval passes (twice: the second time nothing is new)
    driver.advanceWallClockTime(SYNC);
    double[] afterFirst = model().denseParameters();
    driver.advanceWallClockTime(SYNC);

    // Then theta = (1 - a) theta + a * other, once; the foreign records changed nothing
    for (int i = 0; i < own.length; i++) {
      assertThat(afterFirst[i]).as("parameter %d", i)
          .isCloseTo((1.0 - RATE) * own[i] + RATE * other[i], within(EXACT));
    }
    assertThat(model().denseParameters()).isEqualTo(afterFirst);
    assertThat(meters.counter(TandemMeters.SYNC_MIXED).count()).isEqualTo(1);
    assertThat(meters.timer(TandemMeters.SYNC_LAG).count()).isEqualTo(1);
  }

  @Test
  void shouldFollowAnotherStreamTasksPromotionOnceButNotItsOwnOrARollback() {
    // Given a watched model, and in the transfer topic: a rollback by 0_1 on preference, then
    // this stream task's own promotion of ctr
    learnOneBatch(0);
    transfersIn.pipeInput("preference", update("preference", "0_1", 3, "rolled_back"));
    transfersIn.pipeInput("ctr", update("ctr", "0_0", 4, "promoted"));
    driver.advanceWallClockTime(SYNC);
    assertThat(applied("ctr") + applied("preference")).isZero();
    assertThat(model().boostedTask()).isNull();

    // When stream task 0_1's promotion of ctr arrives and the interval passes twice
    transfersIn.pipeInput("ctr", update("ctr", "0_1", 5, "promoted"));
    driver.advanceWallClockTime(SYNC);
    driver.advanceWallClockTime(SYNC);

    // Then it was applied once: ctr's tower is boosted; nothing was published about it
    assertThat(applied("ctr")).isEqualTo(1);
    assertThat(model().boostedTask()).isEqualTo("ctr");
    assertThat(meters.find(TandemMeters.TRANSFER_UPDATES).tags(TandemMeters.TAG_TASK, "ctr",
        TandemMeters.TAG_DECISION, "promoted").counters()).allSatisfy(
            c -> assertThat(c.count()).isZero());
  }

  private double applied(String task) {
    return meters.counter(TandemMeters.TRANSFER_APPLIED, TandemMeters.TAG_TASK, task).count();
  }

  private static byte[] update(String task, String scope, long version, String decision) {
    TransferUpdate.Decision d = TransferUpdate.Decision.valueOf(decision.toUpperCase(Locale.ROOT));
    return Codecs.transferUpdates().encode(new TransferUpdate(task + "." + scope + ".v" + version
        + "." + decision, task, TransferUpdate.Action.TRANSFER, TransferUpdate.Trigger.DRIFT,
        "adwin", 10L, List.of(), d, "logloss", 0.7, 0.6, version, 2000));
  }
}
