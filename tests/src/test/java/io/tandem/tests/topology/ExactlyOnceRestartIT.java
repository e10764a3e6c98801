package io.tandem.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code exactly_once_v2}: a stopped app restarted on an empty state directory restores
 * its models from the changelog topics and continues: a request right after the restart is
 * answered by the model version the first run ended with, every event of both runs gets exactly
 * one prediction (read_committed), and no partition's model version ever goes backwards.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExactlyOnceRestartIT {

  private static final int PER_RUN = 400;
  private static final Duration WAIT = Duration.ofSeconds(45);

  @TempDir
  Path firstStateDir;

  @TempDir
  Path secondStateDir;

  @Test
  void shouldRestoreTheModelFromTheChangelogAndContinueItsVersion() throws Exception {
    // Given: a first run that predicts and learns PER_RUN events
    TandemRun run = new TandemRun("eos-restart", 2).createTopics();
    Map<String, String> eos = Map.of("processing.guarantee", "exactly_once_v2");
    SharedKafka.produce(run.events, events(0, PER_RUN));
    Map<Integer, Long> finalVersion = new HashMap<>();
    try (TandemApp app = TandemRun.start(run.config(firstStateDir, eos),
        new SimpleMeterRegistry())) {
      for (ConsumerRecord<String, String> p : SharedKafka.consume(run.predictions, PER_RUN,
          WAIT)) {
        finalVersion.merge(p.partition(), version(p.value()) + 1, Math::max);
      }
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
    assertThat(finalVersion).hasSize(2);

    // When: restarted on an empty state directory, asked at once, then fed more events
    try (TandemApp app = TandemRun.start(run.config(secondStateDir, eos),
        new SimpleMeterRegistry())) {
      List<Map.Entry<String, String>> requests = new ArrayList<>();
      for (int u = 0; u < 50; u++) {
        requests.add(new AbstractMap.SimpleImmutableEntry<>("u" + u, "{\"id\":\"q-" + u
            + "\",\"user\":\"u" + u + "\",\"item\":\"i1\",\"ts\":1764300000000}"));
      }
      SharedKafka.produce(run.requests, requests);
      SharedKafka.produce(run.events, events(PER_RUN, 2 * PER_RUN));
      List<ConsumerRecord<String, String>> all =
          SharedKafka.consume(run.predictions, 2 * PER_RUN + requests.size(), WAIT);

      // Then: the answers come from the restored models
      List<String> eventIds = new ArrayList<>();
      Map<Integer, Long> lastVersion = new HashMap<>();
      for (ConsumerRecord<String, String> p : all) {
        String id = TandemRun.field(p.value(), "id");
        long version = version(p.value());
        if (id.startsWith("q-")) {
          assertThat(version).as("request %s in partition %d", id, p.partition())
              .isEqualTo(finalVersion.get(p.partition()));
        } else {
          eventIds.add(id);
          if (Integer.parseInt(id.substring(2)) >= PER_RUN) {
            assertThat(version).isGreaterThanOrEqualTo(finalVersion.get(p.partition()));
          }
        }
        // And: versions never go backwards within a partition
        assertThat(version).isGreaterThanOrEqualTo(lastVersion.getOrDefault(p.partition(), 0L));
        lastVersion.put(p.partition(), version);
      }
      // And: exactly one prediction per event over both runs
      assertThat(eventIds).doesNotHaveDuplicates().hasSize(2 * PER_RUN);
      assertThat(new HashSet<>(eventIds)).hasSize(2 * PER_RUN);
      assertThat(app.models().maxVersion())
          .isGreaterThan(finalVersion.values().stream().mapToLong(Long::longValue).max()
              .orElseThrow());
    }
    assertThat(SharedKafka.consumeAll(run.predictions)).hasSize(2 * PER_RUN + 50);
  }

  private static List<Map.Entry<String, String>> events(int from, int to) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(new AbstractMap.SimpleImmutableEntry<>(TandemRun.user(i),
          TandemRun.event(i, i % 4 == 3 ? "preference" : "ctr")));
    }
    return out;
  }

  private static long version(String predictionJson) {
    String marker = "\"model_version\":";
    int start = predictionJson.indexOf(marker) + marker.length();
    int end = start;
    while (end < predictionJson.length() && Character.isDigit(predictionJson.charAt(end))) {
      end++;
    }
    return Long.parseLong(predictionJson.substring(start, end));
  }
}
