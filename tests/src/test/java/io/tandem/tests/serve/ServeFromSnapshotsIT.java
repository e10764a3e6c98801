package io.tandem.tests.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.http.HttpSettings;
import io.tandem.streams.http.KeyOwnerLocator;
import io.tandem.streams.http.TandemHttpServer;
import io.tandem.streams.io.TopicSetup;
import io.tandem.streams.serve.FollowedModels;
import io.tandem.streams.serve.SnapshotFollower;
import io.tandem.streams.topology.ModelStores;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A serving-only instance ({@code tandem serve}'s parts: {@link SnapshotFollower} +
 * {@link FollowedModels} + the HTTP server) follows the snapshots the learners publish on the
 * compacted model topic and answers {@code /predict} exactly like the learning instance: same
 * scores, same model version, for users of both partitions.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeFromSnapshotsIT {

  private static final int PARTITIONS = 2;
  private static final int EVENTS = 2_000;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newHttpClient();

  @TempDir
  Path stateDir;

  @Test
  void shouldAnswerFromTheNewestSnapshotsLikeTheLearner() throws Exception {
    // Given: a learner publishing its snapshots every 300 ms on its own compacted model topic
    TandemRun run = new TandemRun("serve", PARTITIONS).createTopics();
    String modelTopic = run.applicationId + "-model";
    TandemConfig config = run.config(stateDir, Map.of(
        "topics.model", modelTopic,
        "learner.snapshot.interval.ms", "300",
        "http.port", "0"));
    try (Admin admin = SharedKafka.admin()) {
      TopicSetup.createMissing(admin, List.of(modelTopic), PARTITIONS, (short) 1,
          config.topics().creationConfigs(ModelStores.MAX_SNAPSHOT_BYTES), WAIT);
    }
    List<Map.Entry<String, String>> events = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      String json = TandemRun.event(i, i % 3 == 0 ? "preference" : "ctr");
      events.add(new AbstractMap.SimpleImmutableEntry<>(TandemRun.user(i), json));
    }
    TandemApp learner = TandemApp.startServing(config, new SimpleMeterRegistry());
    FollowedModels followed = new FollowedModels(PARTITIONS);
    SnapshotFollower follower = new SnapshotFollower(config.kafkaProperties(), modelTopic,
        followed);
    try (learner) {
      awaitRunning(learner);
      SharedKafka.produce(run.events, events);
      SharedKafka.consume(run.predictions, EVENTS, WAIT);
      long learnedVersion = learner.models().maxVersion();

      // When: the serving instance follows the model topic
      follower.start();
      TandemHttpServer serving = TandemHttpServer.start(HttpSettings.of("127.0.0.1", 0),
          followed, KeyOwnerLocator.localOnly(), null);
      try {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (followed.all().size() < PARTITIONS || followed.maxVersion() < learnedVersion) {
          assertThat(System.nanoTime()).as("snapshots of both stream tasks at version %d, have"
              + " %d models at %d", learnedVersion, followed.all().size(), followed.maxVersion())
              .isLessThan(deadline);
          Thread.sleep(100);
        }

        // Then: every user gets the learner's answer, from the same model version
        for (int u = 0; u < 10; u++) {
          String query = "/predict?user=" + TandemRun.user(u) + "&item=i" + u;
          JsonNode fromLearner = get(learner.httpPort(), query);
          JsonNode fromServer = get(serving.port(), query);
          assertThat(fromServer.get("scores")).as(query).isEqualTo(fromLearner.get("scores"));
          assertThat(fromServer.get("model_version")).isEqualTo(fromLearner.get("model_version"));
        }
        assertThat(follower.unreadable()).isZero();
        assertThat(follower.installed()).isGreaterThanOrEqualTo(PARTITIONS);
      } finally {
        serving.close();
        follower.close();
      }
    }
  }

  private JsonNode get(int port, String pathAndQuery) throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void awaitRunning(TandemApp app) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (app.state() != KafkaStreams.State.RUNNING) {
      assertThat(System.nanoTime()).as("RUNNING, is %s", app.state()).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
