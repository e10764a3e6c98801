package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tandem's whole topology under TopologyTestDriver with {@code learner.pipelined} on and off:
 * the same input (labelled events with an abrupt drift, requests, invalid records, a task
 * declared at runtime, checkpoint intervals passing) gives the same records on every output
 * topic and the same bytes in every model store.
 */
class PipelinedTopologyTest {

  private static final int EVENTS = 600;
  private static final int DRIFT_AT = 200;
  private static final int DECLARE_AT = 300;

  @TempDir
  Path stateDir;

  /** What one run published and stored. */
  private record Outcome(Map<String, List<String>> topics, Map<String, String> stores) {}

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String eventJson(int i) {
    String user = "u" + (i % 13);
    String task;
    int label;
    if (i >= DECLARE_AT && i % 5 == 0) {
      task = "conversion";
      label = (i % 13) % 2;
    } else if (i % 4 == 3) {
      task = "preference";
      label = 1 + (i % 13) % 5;
    } else {
      task = "ctr";
      label = ((i % 13) % 3 == 0) != (i >= DRIFT_AT) ? 1 : 0;
    }
    return "{\"id\":\"e-" + i + "\",\"task\":\"" + task + "\",\"user\":\"" + user
        + "\",\"item\":\"i" + (i % 7) + "\",\"label\":" + label + ",\"ts\":" + (1000 + i)
        + ",\"context\":{\"device\":\"" + (i % 2 == 0 ? "mobile" : "desktop") + "\"}}";
  }

  private Outcome play(boolean pipelined) {
    TandemConfig config = TandemTopologyTest.testConfig()
        .with("learner.pipelined", String.valueOf(pipelined))
        .with("drift.detector", "page-hinkley")
        .with("drift.warmup.events", "64")
        .with("transfer.shadow.events", "64")
        .with("transfer.onboard.events", "16");
    Properties props = TandemApp.streamsProperties(config);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tandem-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG,
        stateDir.resolve(pipelined ? "pipelined" : "sequential").toString());
    Map<String, List<String>> topics = new TreeMap<>();
    Map<String, String> stores = new TreeMap<>();
    try (TopologyTestDriver driver = new TopologyTestDriver(
        TandemTopology.build(config, new LiveModels(1), new SimpleMeterRegistry()), props,
        Instant.ofEpochMilli(0))) {
      ByteArraySerializer serializer = new ByteArraySerializer();
      TestInputTopic<byte[], byte[]> events =
          driver.createInputTopic(config.topics().events(), serializer, serializer);
      TestInputTopic<byte[], byte[]> requests =
          driver.createInputTopic(config.topics().requests(), serializer, serializer);
      TestInputTopic<byte[], byte[]> declarations =
          driver.createInputTopic(config.topics().tasks(), serializer, serializer);
      for (int i = 0; i < EVENTS; i++) {
        if (i == DECLARE_AT) {
          declarations.pipeInput(bytes("conversion"),
              bytes("{\"name\":\"conversion\",\"type\":\"binary\",\"weight\":2}"), 1000L + i);
        }
        events.pipeInput(bytes("u" + (i % 13)), bytes(eventJson(i)), 1000L + i);
        if (i % 9 == 4) {
          requests.pipeInput(bytes("u" + (i % 13)), bytes("{\"id\":\"r-" + i + "\",\"user\":\"u"
              + (i % 13) + "\",\"item\":\"i" + (i % 7) + "\",\"ts\":" + (5000 + i) + "}"),
              1000L + i);
        }
        if (i % 97 == 50) {
          events.pipeInput(bytes("u1"), bytes("{\"id\":\"bad-" + i + "\",\"task\":"), 1000L + i);
        }
        if (i % 150 == 149) {
          driver.advanceWallClockTime(config.checkpoint().interval());
        }
      }
      driver.advanceWallClockTime(config.batchLinger());
      for (String topic : List.of(config.topics().predictions(),
          config.topics().transferUpdates(), config.topics().deadLetter())) {
        topics.put(topic, read(driver.createOutputTopic(topic, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())));
      }
      for (String store : List.of(ModelStores.ROWS_STORE, ModelStores.DENSE_STORE,
          ModelStores.LOG_STORE)) {
        KeyValueStore<Object, byte[]> kv = driver.getKeyValueStore(store);
        try (KeyValueIterator<Object, byte[]> it = kv.all()) {
          while (it.hasNext()) {
            KeyValue<Object, byte[]> entry = it.next();
            stores.put(store + "/" + entry.key, HexFormat.of().formatHex(entry.value));
          }
        }
      }
    }
    return new Outcome(topics, stores);
  }

  /** Each record as "key|timestamp|value|headers", in topic order. */
  private static List<String> read(TestOutputTopic<byte[], byte[]> topic) {
    List<String> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : topic.readRecordsToList()) {
      StringBuilder headers = new StringBuilder();
      for (Header h : r.headers()) {
        headers.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8))
            .append(';');
      }
      out.add((r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8)) + "|"
          + r.timestamp() + "|" + new String(r.value(), StandardCharsets.UTF_8) + "|" + headers);
    }
    return out;
  }

  @Test
  void shouldPublishAndStoreTheSameWithAndWithoutPipelinedLearning() {
    // Given / When: the same input through the topology, learning pipelined and sequentially
    Outcome sequential = play(false);
    Outcome pipelined = play(true);

    // Then: the input exercised predictions, requests, dead letters and transfer updates
    TandemConfig defaults = TandemTopologyTest.testConfig();
    assertThat(sequential.topics().get(defaults.topics().predictions()))
        .hasSizeGreaterThan(EVENTS);
    assertThat(sequential.topics().get(defaults.topics().transferUpdates()))
        .anySatisfy(r -> assertThat(r).contains("\"action\":\"transfer\""))
        .anySatisfy(r -> assertThat(r).contains("\"action\":\"onboard\""));
    assertThat(sequential.topics().get(defaults.topics().deadLetter())).isNotEmpty();
    assertThat(sequential.stores()).containsKey(ModelStores.DENSE_STORE + "/"
        + ModelStores.CHECKPOINT_KEY);
    // and both runs published the same records on every topic and stored the same bytes
    assertThat(pipelined.topics()).isEqualTo(sequential.topics());
    assertThat(pipelined.stores()).isEqualTo(sequential.stores());
  }
}
