package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.DeadLetterHeaders;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.RejectionReason;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.metrics.TandemMeters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks declared on {@code topics.tasks} while the topology runs (TopologyTestDriver). */
class RuntimeTasksTopologyTest {

  /** Events of the new task collected before its warm start, then in shadow. */
  private static final int ONBOARD_EVENTS = 8;
  private static final String CONVERSION_BINARY =
      "{\"name\":\"conversion\",\"type\":\"binary\",\"weight\":2}";

  @TempDir
  Path stateDir;

  private TandemConfig config;
  private MeterRegistry meters;
  private LiveModels models;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> events;
  private TestInputTopic<byte[], byte[]> requests;
  private TestInputTopic<byte[], byte[]> declarations;
  private TestOutputTopic<String, Prediction> predictions;
  private TestOutputTopic<String, TransferUpdate> transfers;
  private TestOutputTopic<byte[], byte[]> deadLetter;

  @BeforeEach
  void start() {
    config = TandemTopologyTest.testConfig()
        .with("transfer.onboard.events", String.valueOf(ONBOARD_EVENTS));
    meters = new SimpleMeterRegistry();
    models = new LiveModels(1);
    Properties props = TandemApp.streamsProperties(config);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tandem-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(TandemTopology.build(config, models, meters), props);
    ByteArraySerializer bytes = new ByteArraySerializer();
    events = driver.createInputTopic(config.topics().events(), bytes, bytes);
    requests = driver.createInputTopic(config.topics().requests(), bytes, bytes);
    declarations = driver.createInputTopic(config.topics().tasks(), bytes, bytes);
    predictions = driver.createOutputTopic(config.topics().predictions(),
        new StringDeserializer(), Codecs.predictions().serde().deserializer());
    transfers = driver.createOutputTopic(config.topics().transferUpdates(),
        new StringDeserializer(), Codecs.transferUpdates().serde().deserializer());
    deadLetter = driver.createOutputTopic(config.topics().deadLetter(),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Event {@code i} of {@code task}: user u(i mod 3); conversion = 1 for even users. */
  private void pipe(int i, String task, double label) {
    String user = "u" + (i % 3);
    events.pipeInput(bytes(user), bytes("{\"id\":\"e-" + task + i + "\",\"task\":\"" + task
        + "\",\"user\":\"" + user + "\",\"item\":\"i" + (i % 5) + "\",\"label\":"
        + (label == Math.rint(label) ? String.valueOf((long) label) : String.valueOf(label))
        + ",\"ts\":" + (1000 + i) + "}"));
  }

  private void pipeConversions(int from, int count) {
    for (int i = from; i < from + count; i++) {
      pipe(i, "conversion", (i % 3) % 2 == 0 ? 1 : 0);
    }
  }

  private String reasonOf(TestRecord<byte[], byte[]> record) {
    Header h = record.headers().lastHeader(DeadLetterHeaders.REASON);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private double declarationsCounted(String outcome) {
    return meters.counter(TandemMeters.TASK_DECLARATIONS, TandemMeters.TAG_OUTCOME, outcome)
        .count();
  }

  @Test
  void shouldDeadLetterAnUndeclaredTaskThenPredictAndLearnItOnceDeclared() {
    // Given an event of conversion before any declaration
    pipe(0, "conversion", 1);
    List<TestRecord<byte[], byte[]>> rejected = deadLetter.readRecordsToList();
    assertThat(rejected).hasSize(1);
    assertThat(reasonOf(rejected.get(0))).isEqualTo(RejectionReason.UNKNOWN_TASK.code());

    // When conversion is declared on the task topic and a batch of its events follows
    declarations.pipeInput(bytes("conversion"), bytes(CONVERSION_BINARY));
    pipeConversions(1, 4);

    // Then they are predicted for every task, conversion included, and learned
    List<Prediction> out = predictions.readValuesToList();
    assertThat(out).hasSize(4);
    assertThat(out).allSatisfy(p -> assertThat(p.scores()).containsKeys("ctr", "preference",
        "conversion"));
    assertThat(deadLetter.isEmpty()).isTrue();
    assertThat(models.tasks()).extracting(TaskSpec::name).containsExactly("ctr", "preference",
        "conversion");
    assertThat(meters.counter(TandemMeters.EVENTS_TRAINED, TandemMeters.TAG_TASK, "conversion")
        .count()).isEqualTo(4);
    assertThat(declarationsCounted("accepted")).isEqualTo(1);
    assertThat(meters.find(TandemMeters.TASK_LOGLOSS).tag(TandemMeters.TAG_TASK, "conversion")
        .gauge()).isNotNull();
    // and a request may name the new task
    requests.pipeInput(bytes("u1"), bytes(
        "{\"id\":\"r-1\",\"user\":\"u1\",\"item\":\"i0\",\"tasks\":[\"conversion\"],\"ts\":5}"));
    assertThat(predictions.readValuesToList()).singleElement()
        .satisfies(p -> assertThat(p.scores()).containsOnlyKeys("conversion"));
  }

  @Test
  void shouldPublishOnboardTransferUpdatesStartedAndDecided() {
    // Given a declared task
    declarations.pipeInput(bytes("conversion"), bytes(CONVERSION_BINARY));

    // When enough of its events arrive for the collection and the shadow span
    pipeConversions(0, 4 * ONBOARD_EVENTS);

    // Then an onboard update was published when the candidate started, and one at the decision
    List<TransferUpdate> updates = transfers.readValuesToList();
    assertThat(updates).hasSize(2);
    assertThat(updates).allSatisfy(u -> {
      assertThat(u.task()).isEqualTo("conversion");
      assertThat(u.action()).isEqualTo(TransferUpdate.Action.ONBOARD);
      assertThat(u.trigger()).isEqualTo(TransferUpdate.Trigger.NEW_TASK);
      assertThat(u.detector()).isNull();
      assertThat(u.sources()).isNotEmpty();
    });
    assertThat(updates.get(0).decision()).isEqualTo(TransferUpdate.Decision.STARTED);
    assertThat(updates.get(1).decision()).isIn(TransferUpdate.Decision.PROMOTED,
        TransferUpdate.Decision.ROLLED_BACK);
  }

  @Test
  void shouldRejectARedeclarationWithAnotherTypeAndKeepTheFirst() {
    // Given conversion declared binary
    declarations.pipeInput(bytes("conversion"), bytes(CONVERSION_BINARY));

    // When it is redeclared as a regression, and an event with label 3 arrives
    declarations.pipeInput(bytes("conversion"), bytes(
        "{\"name\":\"conversion\",\"type\":\"regression\",\"min\":0,\"max\":5,\"weight\":1}"));
    pipe(0, "conversion", 3);

    // Then the redeclaration is counted as rejected and the event is judged as binary
    assertThat(declarationsCounted("rejected")).isEqualTo(1);
    assertThat(declarationsCounted("accepted")).isEqualTo(1);
    assertThat(deadLetter.readRecordsToList()).singleElement()
        .satisfies(r -> assertThat(reasonOf(r))
            .isEqualTo(RejectionReason.LABEL_OUT_OF_RANGE.code()));
  }

  @Test
  void shouldIgnoreAMalformedDeclarationOrAKeyThatIsNotItsName() {
    // When the task topic carries broken JSON and a declaration under another key
    declarations.pipeInput(bytes("conversion"), bytes("{not json"));
    declarations.pipeInput(bytes("other"), bytes(CONVERSION_BINARY));
    pipe(0, "conversion", 1);

    // Then both are counted as rejected and conversion is still unknown
    assertThat(declarationsCounted("rejected")).isEqualTo(2);
    assertThat(deadLetter.readRecordsToList()).singleElement()
        .satisfies(r -> assertThat(reasonOf(r)).isEqualTo(RejectionReason.UNKNOWN_TASK.code()));
  }
}
