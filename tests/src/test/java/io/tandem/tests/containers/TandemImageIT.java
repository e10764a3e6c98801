package io.tandem.tests.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.Topics;
import io.tandem.streams.io.TopicSetup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Tandem image (docker/Dockerfile) as a container beside a Kafka container on one Docker network: its default
 * command {@code run} joins the broker by its network alias, its HTTP endpoint answers on the published port, its
 * Docker HEALTHCHECK reports healthy, and the events of the image's own generator ({@code tandem generate}, in a
 * second container) come back as one prediction each.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TandemImageIT {

  private static final int HTTP_PORT = 8080;
  private static final String KAFKA_ALIAS = "kafka";
  private static final int GENERATED = 300;
  private static final long SEED = 7L;
  private static final Duration STARTUP = ContainerImages.STARTUP_TIMEOUT;
  private static final Duration OUTPUT = Duration.ofSeconds(120);
  private static final Duration QUIET = Duration.ofSeconds(3);

  private static final Network NETWORK = Network.newNetwork();

  @Container
  private static final KafkaContainer KAFKA = ContainerImages.kafkaContainer()
      .withNetwork(NETWORK)
      .withListener(KAFKA_ALIAS + ":19092");

  @Container
  private static final GenericContainer<?> TANDEM = new GenericContainer<>(ContainerImages.tandem())
      .withNetwork(NETWORK)
      .dependsOn(KAFKA)
      .withCommand("run", "--bootstrap-servers", KAFKA_ALIAS + ":19092")
      .withEnv("TANDEM_PROCESSING_GUARANTEE", "exactly_once_v2")
      .withExposedPorts(HTTP_PORT)
      .waitingFor(Wait.forHttp("/health").forPort(HTTP_PORT).forStatusCode(200).withStartupTimeout(STARTUP));

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterAll
  static void closeNetwork() {
    NETWORK.close();
  }

  @Test
  void shouldBecomeHealthyThroughTheImageHealthcheck() {
    // Given the running Tandem container (its /health already answered the wait strategy)
    // When Docker runs the image's HEALTHCHECK (every 10 s)
    // Then the container's health status turns healthy
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(
        () -> "healthy".equals(TANDEM.getCurrentContainerInfo().getState().getHealth().getStatus()));
  }

  @Test
  void shouldPublishOnePredictionPerEventOfTheGeneratorContainer() throws Exception {
    // Given Tandem's default topics (created by `run`; created here too if it has not yet)
    Topics topics = TandemConfig.defaults().topics();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        KAFKA.getBootstrapServers()))) {
      TopicSetup.createMissing(admin, topics.all(), topics.partitions(), topics.replicationFactor(), STARTUP);
    }

    // When the same image runs `tandem generate` to completion: 150 ctr + 150 preference events
    try (GenericContainer<?> generator = new GenericContainer<>(ContainerImages.tandem())
        .withNetwork(NETWORK)
        .withCommand("generate", "--topic", topics.events(), "--bootstrap-servers", KAFKA_ALIAS + ":19092",
            "--ctr-events", Integer.toString(GENERATED / 2), "--preference-events", Integer.toString(GENERATED / 2),
            "--seed", Long.toString(SEED))
        .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(STARTUP))) {
      generator.start();
    }

    // Then the Tandem container publishes exactly one prediction per generated event
    List<JsonNode> predictions = TandemTraffic.readJson(KAFKA.getBootstrapServers(), topics.predictions(),
        GENERATED, QUIET, OUTPUT);
    Map<String, Long> perId = predictions.stream()
        .collect(Collectors.groupingBy(p -> p.path("id").asText(), Collectors.counting()));
    assertThat(predictions).hasSize(GENERATED);
    assertThat(perId).hasSize(GENERATED)
        .allSatisfy((id, count) -> assertThat(count).as("predictions for %s", id).isOne());
    assertThat(predictions).allSatisfy(p -> assertThat(p.path("source").asText()).isEqualTo("event"));

    // And its /metrics, through the published port, counts every one of them as trained and predicted
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains(
        "tandem_events_trained_events_total{task=\"ctr\"} " + GENERATED / 2 + ".0",
        "tandem_events_trained_events_total{task=\"preference\"} " + GENERATED / 2 + ".0",
        "tandem_predictions_published_predictions_total{source=\"event\"} " + GENERATED + ".0");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    URI uri = URI.create("http://" + TANDEM.getHost() + ":" + TANDEM.getMappedPort(HTTP_PORT) + path);
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
