package io.tandem.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.metrics.Auc;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.tests.support.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generate, run, evaluate: a generated stream goes through a real broker into Tandem, which is
 * stopped halfway and restarted on the same state directory and application id; every labelled
 * event gets exactly one prediction, model versions never go backwards, and the click model
 * still ranks clicks above non-clicks at the end and right after the restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GenerateRunEvaluateIT {

  private static final int CTR_EVENTS = 32_000;
  private static final int PREFERENCE_EVENTS = 8_000;
  private static final int PARTITIONS = 2;
  private static final int LAST_WINDOW = 4_000;
  private static final int AFTER_RESTART = 1_000;
  private static final double MIN_FINAL_AUC = 0.6;
  private static final double MIN_AUC_AFTER_RESTART = 0.55;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path stateDir;

  @Test
  void shouldPredictEveryEventOnceAndKeepLearningAcrossARestart() throws Exception {
    // Given: a generated stream and Tandem's topics
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String events = "e2e-events-" + suffix;
    String predictions = "e2e-predictions-" + suffix;
    String applicationId = "e2e-app-" + suffix;
    SharedKafka.createTopics(PARTITIONS, events, "e2e-requests-" + suffix, predictions,
        "e2e-dead-letter-" + suffix);
    GeneratorConfig generator = GeneratorConfig.defaults().withSeed(7L)
        .withPopulation(300, 100).withEvents(CTR_EVENTS, PREFERENCE_EVENTS)
        .withCtrBaseRate(0.3);
    List<GeneratedEvent> stream = StreamGenerator.stream(generator).toList();
    Map<String, Double> clickLabels = new HashMap<>();
    for (GeneratedEvent e : stream) {
      if (e.task().equals(StreamGenerator.CTR)) {
        clickLabels.put(e.id(), e.label());
      }
    }
    int half = stream.size() / 2;
    TandemConfig config = config(suffix, events, predictions, applicationId);

    // When: the first half runs through one app, the second half through a restarted one
    SharedKafka.produce(events, records(stream.subList(0, half)));
    try (TandemApp first = start(config)) {
      SharedKafka.consume(predictions, half, WAIT);
      assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
    SharedKafka.produce(events, records(stream.subList(half, stream.size())));
    List<ConsumerRecord<String, String>> all;
    try (TandemApp second = start(config)) {
      all = SharedKafka.consume(predictions, stream.size(), WAIT);
      assertThat(second.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    // Then: one prediction per event, versions monotone per partition
    List<String> ids = new ArrayList<>();
    Map<Integer, Long> lastVersion = new HashMap<>();
    List<double[]> ctrAfterRestart = new ArrayList<>();
    List<double[]> ctrAll = new ArrayList<>();
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < stream.size(); i++) {
      position.put(stream.get(i).id(), i);
    }
    for (ConsumerRecord<String, String> p : all) {
      JsonNode node = JSON.readTree(p.value());
      String id = node.get("id").asText();
      ids.add(id);
      long version = node.get("model_version").asLong();
      assertThat(version).as("model_version of %s in partition %d", id, p.partition())
          .isGreaterThanOrEqualTo(lastVersion.getOrDefault(p.partition(), 0L));
      lastVersion.put(p.partition(), version);
      Double label = clickLabels.get(id);
      if (label != null) {
        double[] scored = {position.get(id), node.get("scores").get(StreamGenerator.CTR).asDouble(),
            label};
        ctrAll.add(scored);
        if (position.get(id) >= half) {
          ctrAfterRestart.add(scored);
        }
      }
    }
    assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
        stream.stream().map(GeneratedEvent::id).toList());

    // And: the click model ranks well at the end and right after the restart
    ctrAll.sort((a, b) -> Double.compare(a[0], b[0]));
    ctrAfterRestart.sort((a, b) -> Double.compare(a[0], b[0]));
    double finalAuc = auc(ctrAll.subList(ctrAll.size() - LAST_WINDOW, ctrAll.size()));
    double restartAuc = auc(ctrAfterRestart.subList(0, AFTER_RESTART));
    System.out.printf("GenerateRunEvaluateIT: final-window AUC %.4f, after-restart AUC %.4f%n",
        finalAuc, restartAuc);
    assertThat(finalAuc).isGreaterThan(MIN_FINAL_AUC);
    assertThat(restartAuc).isGreaterThan(MIN_AUC_AFTER_RESTART);
  }

  private static double auc(List<double[]> scored) {
    double[] scores = new double[scored.size()];
    double[] labels = new double[scored.size()];
    for (int i = 0; i < scored.size(); i++) {
      scores[i] = scored.get(i)[1];
      labels[i] = scored.get(i)[2];
    }
    return Auc.exact(scores, labels);
  }

  private static List<Map.Entry<String, String>> records(List<GeneratedEvent> events) {
    List<Map.Entry<String, String>> out = new ArrayList<>(events.size());
    for (GeneratedEvent e : events) {
      out.add(new AbstractMap.SimpleImmutableEntry<>(e.user(),
          new String(GeneratedEventJson.event(e), StandardCharsets.UTF_8)));
    }
    return out;
  }

  private TandemConfig config(String suffix, String events, String predictions,
      String applicationId) {
    return TandemConfig.defaults()
        .with("bootstrap.servers", SharedKafka.bootstrapServers())
        .with("application.id", applicationId)
        .with("state.dir", stateDir.toString())
        .with("commit.interval.ms", "200")
        .with("processing.guarantee", "exactly_once_v2")
        .with("topics.events", events)
        .with("topics.requests", "e2e-requests-" + suffix)
        .with("topics.predictions", predictions)
        .with("topics.dead-letter", "e2e-dead-letter-" + suffix)
        .with("topics.transfer-updates", applicationId + "-transfer-updates")
        .with("topics.tasks", applicationId + "-tasks")
        .with("topics.partitions", String.valueOf(PARTITIONS));
  }

  private static TandemApp start(TandemConfig config) throws InterruptedException {
    TandemApp app = TandemApp.start(config, new SimpleMeterRegistry());
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (app.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || app.state() == KafkaStreams.State.ERROR) {
        app.close();
        throw new AssertionError("Tandem not RUNNING within " + STARTUP + ": " + app.state());
      }
      Thread.sleep(50);
    }
    return app;
  }
}
