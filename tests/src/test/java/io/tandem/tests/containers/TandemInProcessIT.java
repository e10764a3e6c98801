package io.tandem.tests.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.io.TopicSetup;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.tests.support.DriftingStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Tandem's learner in this JVM ({@link TandemApp}) against a broker in a container: labelled events in, exactly one
 * prediction per valid labelled event out, invalid events to the dead-letter topic and never predicted.
 *
 * <p>Runs under {@code exactly_once_v2} and reads committed records only, so "exactly one" is the guarantee under
 * test rather than luck (under {@code at_least_once} a rebalance may legitimately repeat a batch).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TandemInProcessIT {

  private static final int LABELLED = 600;
  private static final int INVALID = 20;
  private static final long SEED = 20_261_129L;
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration OUTPUT = Duration.ofSeconds(120);
  private static final Duration QUIET = Duration.ofSeconds(3);
  /** Time for the 60,000 events of the drifting stream to be learned. */
  private static final Duration DRIFT_OUTPUT = Duration.ofSeconds(240);

  @Container
  private static final KafkaContainer KAFKA = ContainerImages.kafkaContainer();

  @TempDir
  Path stateDir;

  @Test
  void shouldPublishExactlyOnePredictionPerLabelledEventAndDeadLetterTheInvalidOnes() {
    // Given Tandem running in this JVM against the container broker, its topics created beforehand
    TandemConfig config = TandemConfig.defaults()
        .with("bootstrap.servers", KAFKA.getBootstrapServers())
        .with("application.id", "containers-in-process")
        .with("processing.guarantee", "exactly_once_v2")
        .with("state.dir", stateDir.toString());
    createTopics(config);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TandemApp app = TandemApp.start(config, meters)) {
      await().atMost(STARTUP).until(() -> app.state() == KafkaStreams.State.RUNNING);

      // When 600 labelled events over both tasks arrive, mixed with 20 whose ctr label is not 0 or 1
      List<TandemTraffic.Event> labelled = TandemTraffic.labelledEvents("e", LABELLED, SEED);
      List<TandemTraffic.Event> all = new ArrayList<>(labelled);
      for (int i = 0; i < INVALID; i++) {
        String id = "bad-" + i;
        all.add(i * (LABELLED / INVALID), new TandemTraffic.Event(id, "u" + i,
            "{\"id\":\"" + id + "\",\"task\":\"ctr\",\"user\":\"u" + i + "\",\"item\":\"i1\",\"label\":3,\"ts\":1}"));
      }
      TandemTraffic.produce(KAFKA.getBootstrapServers(), config.topics().events(), all);

      // Then every labelled event has exactly one prediction, made from the event (not a request)
      List<JsonNode> predictions = TandemTraffic.readJson(KAFKA.getBootstrapServers(),
          config.topics().predictions(), LABELLED, QUIET, OUTPUT);
      Map<String, Long> perId = predictions.stream()
          .collect(Collectors.groupingBy(p -> p.path("id").asText(), Collectors.counting()));
      assertThat(perId.keySet())
          .containsExactlyInAnyOrderElementsOf(labelled.stream().map(TandemTraffic.Event::id).toList());
      assertThat(perId).allSatisfy((id, count) -> assertThat(count).as("predictions for %s", id).isOne());
      assertThat(predictions).allSatisfy(p -> {
        assertThat(p.path("source").asText()).isEqualTo("event");
        double ctr = p.path("scores").path("ctr").asDouble(Double.NaN);
        assertThat(ctr).isBetween(0.0, 1.0);
        assertThat(p.path("scores").path("preference").isNumber()).as(p.toString()).isTrue();
      });

      // And the invalid events are in the dead-letter topic, untouched, and counted
      List<JsonNode> deadLetters = TandemTraffic.readJson(KAFKA.getBootstrapServers(),
          config.topics().deadLetter(), INVALID, QUIET, OUTPUT);
      assertThat(deadLetters).extracting(d -> d.path("id").asText())
          .containsExactlyInAnyOrderElementsOf(all.stream().map(TandemTraffic.Event::id)
              .filter(id -> id.startsWith("bad-")).toList());
      double invalidCounted = meters.find(TandemMeters.EVENTS_INVALID).counters().stream()
          .mapToDouble(Counter::count).sum();
      assertThat(invalidCounted).isEqualTo(INVALID);
    }
  }

  @Test
  void shouldPublishAGuardedTransferAfterAGeneratedDrift() {
    // Given Tandem with its default drift watch on one partition (one model sees the whole stream)
    TandemConfig config = TandemConfig.defaults()
        .with("bootstrap.servers", KAFKA.getBootstrapServers())
        .with("application.id", "containers-drift")
        .with("state.dir", stateDir.toString())
        .with("topics.events", "drift.events")
        .with("topics.requests", "drift.requests")
        .with("topics.predictions", "drift.predictions")
        .with("topics.transfer-updates", "drift.transfer-updates")
        .with("topics.tasks", "drift.tasks")
        .with("topics.dead-letter", "drift.dead-letter")
        .with("topics.partitions", "1")
        .with("model.embedding.dim", "8")
        .with("model.experts", "2")
        .with("model.expert.size", "16")
        .with("model.tower.size", "8");
    for (Map.Entry<String, String> e : DriftingStream.DETERMINISTIC_BATCHES.entrySet()) {
      config = config.with(e.getKey(), e.getValue());
    }
    createTopics(config);
    List<TandemTraffic.Event> stream = TandemTraffic.driftingEvents();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TandemApp app = TandemApp.start(config, meters)) {
      await().atMost(STARTUP).until(() -> app.state() == KafkaStreams.State.RUNNING);

      // When the stream arrives (it drifts at event 40,000 of 60,000)
      TandemTraffic.produce(KAFKA.getBootstrapServers(), config.topics().events(), stream);

      // Then every event is predicted, and a transfer for ctr starts and is decided
      List<JsonNode> predictions = TandemTraffic.readJson(KAFKA.getBootstrapServers(),
          config.topics().predictions(), stream.size(), Duration.ZERO, DRIFT_OUTPUT);
      assertThat(predictions).as("predictions of the drifting stream").hasSize(stream.size());
      List<JsonNode> updates = TandemTraffic.readJson(KAFKA.getBootstrapServers(),
          config.topics().transferUpdates(), 2, QUIET, OUTPUT);
      assertThat(updates).as("transfer updates after all %d events were predicted; drift watches"
          + " %s; batch sizes %s", stream.size(), app.models().all().get(0).watches(),
          meters.get(TandemMeters.BATCH_SIZE).summary().takeSnapshot())
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(updates.get(0).path("task").asText()).isEqualTo("ctr");
      assertThat(updates.get(0).path("decision").asText()).isEqualTo("started");
      // drift_warning: the warning detector (drift.warning.delta) started it before the alarm
      assertThat(updates.get(0).path("trigger").asText()).isIn("drift", "drift_warning");
      assertThat(updates.get(1).path("decision").asText()).isIn("promoted", "rolled_back");
      assertThat(updates.get(1).path("candidate_metric").isNumber()).isTrue();
      assertThat(updates.get(1).path("detected_at_event").asLong())
          .isEqualTo(updates.get(0).path("detected_at_event").asLong());
    }
  }

  private static void createTopics(TandemConfig config) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        KAFKA.getBootstrapServers()))) {
      TopicSetup.createMissing(admin, config.topics().all(), config.topics().partitions(),
          config.topics().replicationFactor(), STARTUP);
    }
  }
}
