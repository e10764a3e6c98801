package io.tandem.tests.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.tests.support.DriftingStream;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's acceptance for metrics: a Tandem instance on the shared broker learns generated
 * events and serves {@code /metrics}; the scrape has one label set per name and every name the
 * Grafana dashboard queries; a real Prometheus server (when the {@code prometheus} binary is on
 * the PATH, otherwise that test is skipped) scrapes it every second and sees training progress,
 * the per-task quality gauges, and the drift counter rising when the generated stream's drift
 * schedule strikes (the same stream as {@code DriftTransferIT}: the click task's specific factors
 * are re-drawn in the second half).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PrometheusScrapeIT {

  /** One partition, so one model sees the whole stream (and its drift). */
  private static final int PARTITIONS = 1;
  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String DRIFTS = "tandem_drift_detections_alarms_total";
  private static final String TRANSFERS = "tandem_transfer_updates_total";
  private static final Duration POLL = Duration.ofMillis(200);
  private static final double COUNT_TOLERANCE = 1e-9;
  private static final String TRAINED = "tandem_events_trained_events_total";
  private static final Path DASHBOARDS = Path.of("..", "docker", "grafana", "dashboards");
  private static final Pattern METRIC_NAME =
      Pattern.compile("\\b(?:tandem|jvm|kafka|process)_[a-zA-Z0-9_:]*");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path tempDir;

  private static String events;
  private static List<ProducerRecord<byte[], byte[]>> firstHalf;
  private static List<ProducerRecord<byte[], byte[]>> secondHalf;
  private static TandemApp app;

  @BeforeAll
  static void startTandemAndLearnTheFirstHalf() throws Exception {
    TandemRun run = new TandemRun("obs", PARTITIONS).createTopics();
    events = run.events;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    // The drift (at event 40,000 of 60,000) strikes in the second half.
    StreamGenerator generator = new StreamGenerator(DriftingStream.config());
    while (generator.hasNext()) {
      GeneratedEvent e = generator.next();
      records.add(new ProducerRecord<>(events, e.user().getBytes(StandardCharsets.UTF_8),
          GeneratedEventJson.event(e)));
    }
    assertThat(records).hasSize(
        DriftingStream.CTR_EVENTS + DriftingStream.PREFERENCE_EVENTS);
    firstHalf = records.subList(0, records.size() / 2);
    secondHalf = records.subList(records.size() / 2, records.size());
    Map<String, String> settings = new HashMap<>(DriftingStream.DETERMINISTIC_BATCHES);
    settings.put("http.bind", "127.0.0.1");
    settings.put("http.port", "0");
    TandemConfig config = run.config(tempDir.resolve("state"), settings);
    app = TandemApp.startServing(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (app.state() != KafkaStreams.State.RUNNING) {
      assertThat(System.nanoTime()).as("Tandem RUNNING within %s, is %s", STARTUP, app.state())
          .isLessThan(deadline);
      Thread.sleep(50);
    }
    SharedKafka.produceRaw(events, firstHalf);
    awaitScrape(s -> s.sum(TRAINED) >= firstHalf.size());
  }

  @AfterAll
  static void stopTandem() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldExportEveryDashboardMetricWithOneLabelSetPerName() throws Exception {
    // Given: the metric names the Grafana dashboards query
    Set<String> queried = dashboardMetricNames();
    assertThat(queried).contains(TRAINED);

    // When
    PrometheusText scrape = PrometheusText.parse(get(metricsUri()));

    // Then: every queried name is exported, and the runtime meters are there too
    assertThat(scrape.names()).containsAll(queried);
    assertThat(scrape.names()).contains("jvm_memory_used_bytes",
        "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads", "process_cpu_usage",
        "process_uptime_seconds", "kafka_stream_alive_stream_threads");
    assertThat(scrape.names()).anyMatch(n -> n.startsWith("kafka_consumer_"))
        .anyMatch(n -> n.startsWith("kafka_producer_"));

    // And: Prometheus accepts the scrape only if a name always carries the same label keys
    scrape.labelKeySets().forEach((name, sets) -> assertThat(sets).as(name).hasSize(1));
  }

  @Test
  void shouldLetARealPrometheusSeeTrainingProgressAndTaskQuality() throws Exception {
    // Given: a Prometheus server scraping Tandem's /metrics every second
    Optional<Path> binary = onPath("prometheus");
    Assumptions.assumeTrue(binary.isPresent(), "no prometheus binary on the PATH");
    int port = freePort();
    Path config = tempDir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: tandem
            metrics_path: /metrics
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(app.httpPort()));
    Path log = tempDir.resolve("prometheus.log");
    Process prometheus = new ProcessBuilder(binary.get().toString(),
        "--config.file=" + config, "--storage.tsdb.path=" + tempDir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    URI api = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=");
    try {
      // When: Prometheus has seen the first half learned, without a drift alarm ...
      double before = awaitQuery(api, "sum(" + TRAINED + ")",
          v -> v >= firstHalf.size(), log);
      double driftsBefore = awaitQuery(api, "sum(" + DRIFTS + "{task=\"ctr\"})",
          v -> true, log);
      // ... and the second half is produced
      SharedKafka.produceRaw(events, secondHalf);

      // Then: the trained-events counter rises to every event
      double after = awaitQuery(api, "sum(" + TRAINED + ")",
          v -> v >= firstHalf.size() + secondHalf.size(), log);
      assertThat(after).isGreaterThan(before)
          .isCloseTo(firstHalf.size() + secondHalf.size(), within(COUNT_TOLERANCE));
      assertThat(awaitQuery(api, "up{job=\"tandem\"}", v -> v == 1.0, log)).isEqualTo(1.0);

      // And: the drift in the second half raised the drift counter and started a transfer
      assertThat(driftsBefore).isZero();
      assertThat(awaitQuery(api, "sum(" + DRIFTS + "{task=\"ctr\",detector=\"adwin\"})",
          v -> v >= 1.0, log)).isGreaterThanOrEqualTo(1.0);
      assertThat(awaitQuery(api, "sum(" + TRANSFERS + "{task=\"ctr\",decision=\"started\"})",
          v -> v >= 1.0, log)).isGreaterThanOrEqualTo(1.0);

      // And: the per-task quality gauges exist with values in range
      assertThat(awaitQuery(api, "tandem_task_auc_ratio{task=\"ctr\"}",
          v -> Double.isFinite(v), log)).isBetween(0.0, 1.0);
      assertThat(awaitQuery(api, "tandem_task_rmse_label_units{task=\"preference\"}",
          v -> Double.isFinite(v), log)).isPositive();
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  /** Every identifier starting tandem_/jvm_/kafka_/process_ in the dashboards' {@code expr}s. */
  private static Set<String> dashboardMetricNames() throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        for (JsonNode expr : JSON.readTree(file.toFile()).findValues("expr")) {
          Matcher m = METRIC_NAME.matcher(expr.asText());
          while (m.find()) {
            names.add(m.group());
          }
        }
      }
    }
    assertThat(names).as("metric names in %s", DASHBOARDS).isNotEmpty();
    return names;
  }

  /**
   * Polls an instant query until its first result's value passes {@code done}; returns it.
   * Fails with Prometheus' log when it does not within {@link #WAIT}.
   */
  private static double awaitQuery(URI api, String query, Predicate<Double> done, Path log)
      throws Exception {
    URI uri = URI.create(api + URLEncoder.encode(query, StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = get(uri);
        JsonNode result = JSON.readTree(last).path("data").path("result");
        if (result.size() > 0) {
          double value = Double.parseDouble(result.get(0).path("value").get(1).asText());
          if (done.test(value)) {
            return value;
          }
        }
      } catch (IOException notYetListening) {
        last = notYetListening.toString();
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError("Prometheus query " + query + " not satisfied within " + WAIT
        + "; last answer: " + last + "\nprometheus log:\n" + Files.readString(log));
  }

  /** Polls Tandem's own {@code /metrics} until {@code done} holds. */
  private static void awaitScrape(Predicate<PrometheusText> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    PrometheusText scrape = PrometheusText.parse(get(metricsUri()));
    while (!done.test(scrape)) {
      assertThat(System.nanoTime()).as("%s reached within %s, is %s", TRAINED, WAIT,
          scrape.sum(TRAINED)).isLessThan(deadline);
      Thread.sleep(POLL.toMillis());
      scrape = PrometheusText.parse(get(metricsUri()));
    }
  }

  private static URI metricsUri() {
    return URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics");
  }

  private static String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + ": HTTP " + response.statusCode());
    }
    return response.body();
  }

  private static Optional<Path> onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, command)).filter(Files::isExecutable).findFirst();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
