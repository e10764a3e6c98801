package io.tandem.streams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeMetersTest {

  /** One sample line of the Prometheus text format: name, optional labels, value. */
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? ");
  private static final Pattern LABEL_KEY = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  @TempDir
  Path stateDir;

  @Test
  void shouldExportJvmProcessAndKafkaStreamsMetersWithTheirUnitsAndTags() {
    // Given: a Kafka Streams instance (created, not started: no broker needed)
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindNewStreams(registry);

    // When
    String scrape = registry.scrape();

    // Then: JVM and process meters, with Micrometer's units and tag keys
    assertThat(tagKeys(registry, "jvm.memory.used")).containsExactlyInAnyOrder("area", "id");
    assertThat(registry.get("jvm.memory.used").gauge().getId().getBaseUnit())
        .isEqualTo("bytes");
    assertThat(tagKeys(registry, "jvm.threads.states")).containsExactly("state");
    assertThat(registry.get("process.uptime").timeGauge().getId().getBaseUnit())
        .isEqualTo("seconds");
    assertThat(registry.find("process.cpu.usage").gauge()).isNotNull();
    assertThat(registry.find("jvm.classes.loaded").gauge()).isNotNull();
    assertThat(registry.find("jvm.gc.max.data.size").gauge()).isNotNull();
    assertThat(scrape).contains("jvm_memory_used_bytes{area=\"heap\"", "jvm_threads_live_threads",
        "process_uptime_seconds", "process_cpu_usage", "system_cpu_count",
        "jvm_classes_loaded_classes");

    // And: Kafka Streams' client metrics, tagged with the Kafka client id
    assertThat(registry.getMeters()).map(m -> m.getId().getName())
        .anyMatch(n -> n.startsWith("kafka.stream."))
        .anyMatch(n -> n.startsWith("kafka.consumer."));
    assertThat(scrape).contains("kafka_stream_alive_stream_threads");
    assertThat(tagKeys(registry, "kafka.stream.alive.stream.threads")).contains("client.id");
  }

  @Test
  void shouldGiveEveryExportedSampleNameOneLabelKeySet() {
    // Given
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindNewStreams(registry);

    // When
    Map<String, Set<Set<String>>> labelSets = labelKeySetsByName(registry.scrape());

    // Then: Prometheus rejects a name exported with different label keys
    assertThat(labelSets).isNotEmpty();
    labelSets.forEach((name, sets) -> assertThat(sets).as(name).hasSize(1));
  }

  @Test
  void shouldBindTheJvmMetersOncePerRegistry() {
    // Given
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindNewStreams(registry);
    int heapMeters = registry.find("jvm.memory.used").gauges().size();
    int gcMeters = registry.find("jvm.gc.memory.allocated").meters().size();

    // When
    bindNewStreams(registry);

    // Then
    assertThat(registry.find("jvm.memory.used").gauges()).hasSize(heapMeters);
    assertThat(registry.find("jvm.gc.memory.allocated").meters()).hasSize(gcMeters)
        .isNotEmpty();
    assertThat(labelKeySetsByName(registry.scrape()).values()).allMatch(s -> s.size() == 1);
  }

  @AfterEach
  void closeInReverseOrder() throws Exception {
    while (!open.isEmpty()) {
      open.pop().close();
    }
  }

  /** Creates a Kafka Streams instance and binds the runtime meters; both closed after the test. */
  private void bindNewStreams(PrometheusMeterRegistry registry) {
    KafkaStreams streams = newStreams();
    open.push(streams);
    open.push(RuntimeMeters.bind(registry, streams));
  }

  private KafkaStreams newStreams() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "runtime-meters-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new KafkaStreams(builder.build(), props);
  }

  private static Set<String> tagKeys(PrometheusMeterRegistry registry, String name) {
    Set<String> keys = new TreeSet<>();
    for (Meter meter : registry.find(name).meters()) {
      meter.getId().getTags().forEach(t -> keys.add(t.getKey()));
    }
    return keys;
  }

  /** Sample name to the distinct label-key sets it appears with in a Prometheus text scrape. */
  static Map<String, Set<Set<String>>> labelKeySetsByName(String scrape) {
    Map<String, Set<Set<String>>> result = new HashMap<>();
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      Set<String> keys = new TreeSet<>();
      if (m.group(3) != null) {
        Matcher k = LABEL_KEY.matcher(m.group(3));
        while (k.find()) {
          keys.add(k.group(1));
        }
      }
      result.computeIfAbsent(m.group(1), n -> new HashSet<>()).add(keys);
    }
    return result;
  }
}
