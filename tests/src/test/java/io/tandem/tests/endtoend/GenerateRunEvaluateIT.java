package io.tandem.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.metrics.WindowReport;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.TaskSettings;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.streams.io.PredictionEvaluation;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * Generate, run, evaluate (issue 4's acceptance): a generated stream of 100,000 events goes
 * through a real broker into Tandem under {@code exactly_once_v2}, which is stopped halfway and
 * restarted on the same state directory and application id; every labelled event gets exactly one
 * prediction, model versions never go backwards, and {@code tandem evaluate}'s evaluation
 * ({@link PredictionEvaluation}, 10,000-event windows) shows the click AUC above 0.65 in the last
 * window and far from chance in the first window after the restart.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GenerateRunEvaluateIT {

  private static final int CTR_EVENTS = 80_000;
  private static final int PREFERENCE_EVENTS = 20_000;
  private static final int PARTITIONS = 2;
  private static final int WINDOW = 10_000;
  private static final double MIN_FINAL_AUC = 0.65;
  private static final double MIN_AUC_AFTER_RESTART = 0.6;
  private static final Duration WAIT = Duration.ofSeconds(150);
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
    int half = stream.size() / 2;
    TandemConfig config = config(suffix, events, predictions, applicationId);

    // When: the first half runs through one app, the second half through a restarted one
    SharedKafka.produce(events, records(stream.subList(0, half)));
    try (TandemApp first = TandemRun.start(config, new SimpleMeterRegistry())) {
      SharedKafka.consume(predictions, half, WAIT);
      assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
    SharedKafka.produce(events, records(stream.subList(half, stream.size())));
    List<ConsumerRecord<String, String>> all;
    try (TandemApp second = TandemRun.start(config, new SimpleMeterRegistry())) {
      all = SharedKafka.consume(predictions, stream.size(), WAIT);
      assertThat(second.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    // Then: one prediction per event, versions monotone per partition
    List<String> ids = new ArrayList<>();
    Map<Integer, Long> lastVersion = new HashMap<>();
    List<String> predictionLines = new ArrayList<>();
    for (ConsumerRecord<String, String> p : all) {
      JsonNode node = JSON.readTree(p.value());
      String id = node.get("id").asText();
      ids.add(id);
      long version = node.get("model_version").asLong();
      assertThat(version).as("model_version of %s in partition %d", id, p.partition())
          .isGreaterThanOrEqualTo(lastVersion.getOrDefault(p.partition(), 0L));
      lastVersion.put(p.partition(), version);
      predictionLines.add(p.value());
    }
    assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
        stream.stream().map(GeneratedEvent::id).toList());

    // And: tandem evaluate's windows: the click model ranks well at the end and right after the
    // restart
    Path predictionsFile = stateDir.resolve("predictions.jsonl");
    Path truthFile = stateDir.resolve("truth.jsonl");
    Files.write(predictionsFile, predictionLines, StandardCharsets.UTF_8);
    List<String> truthLines = new ArrayList<>();
    for (GeneratedEvent e : stream) {
      truthLines.add(new String(GeneratedEventJson.truth(e), StandardCharsets.UTF_8));
    }
    Files.write(truthFile, truthLines, StandardCharsets.UTF_8);
    PredictionEvaluation.Result evaluation = PredictionEvaluation.evaluate(predictionsFile,
        truthFile, config.taskSettings().stream().map(TaskSettings::spec).toList(), WINDOW);
    List<WindowReport> windows = evaluation.evaluator().windows();
    double finalAuc = windows.get(windows.size() - 1).tasks().get(StreamGenerator.CTR).model()
        .auc();
    double restartAuc = windows.stream().filter(w -> w.firstEvent() >= half).findFirst()
        .orElseThrow().tasks().get(StreamGenerator.CTR).model().auc();
    System.out.printf("GenerateRunEvaluateIT: last-window AUC %.4f, first window after the"
        + " restart %.4f%n", finalAuc, restartAuc);
    assertThat(evaluation.withoutPrediction()).isZero();
    assertThat(finalAuc).isGreaterThan(MIN_FINAL_AUC);
    assertThat(restartAuc).isGreaterThan(MIN_AUC_AFTER_RESTART);
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
}
