package io.tandem.streams.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TandemHttpServerTest {

  private static final double SCORE_TOLERANCE = 0.0;
  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<TandemHttpServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(TandemHttpServer::close);
  }

  /** A real learner, trained on a few seeded batches so that its scores are not the initial ones. */
  private static MultiTaskModel trainedLearner(long seed) {
    MultiTaskModel learner = untrained(seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int batch = 0; batch < 20; batch++) {
      List<LabelledExample> examples = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        Example example = Example.of("u" + random.nextInt(50), "i" + random.nextInt(20));
        examples.add(
            random.nextBoolean()
                ? LabelledExample.of(example, "ctr", random.nextDouble() < 0.3 ? 1.0 : 0.0)
                : LabelledExample.of(example, "preference", 1 + random.nextInt(5)));
      }
      learner.learn(examples);
    }
    return learner;
  }

  private static MultiTaskModel untrained(long seed) {
    return MultiTaskModel.create(
        ModelConfig.defaults().withSeed(seed).withContextFields(List.of("device"), List.of("hour")),
        TASKS);
  }

  private TandemHttpServer start(PredictionService service, KeyOwnerLocator locator,
      PrometheusMeterRegistry metrics) throws IOException {
    TandemHttpServer server =
        TandemHttpServer.start(HttpSettings.of("127.0.0.1", 0), service, locator, metrics);
    servers.add(server);
    return server;
  }

  private TandemHttpServer startWith(ServingModel model) throws IOException {
    return start(new LocalModels(List.of(model)), KeyOwnerLocator.localOnly(), null);
  }

  private HttpResponse<String> get(TandemHttpServer server, String pathAndQuery)
      throws IOException, InterruptedException {
    return send(server, pathAndQuery, "GET");
  }

  private HttpResponse<String> send(TandemHttpServer server, String pathAndQuery, String method)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode body(HttpResponse<String> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    return json.readTree(response.body());
  }

  @Test
  void shouldPredictEveryTaskFromTheLocalModel() throws Exception {
    // Given a trained learner served by one server
    MultiTaskModel learner = trainedLearner(1);
    TandemHttpServer server = startWith(LearnerServingModel.of("0_0", learner, new ReentrantLock()));
    Map<String, Double> direct =
        learner.predict(List.of(new Example("u7", "i3", Map.of("device", "mobile"), Map.of("hour", 13.0))))
            .get(0);

    // When a client asks for user u7 and item i3 with a context feature
    HttpResponse<String> response = get(server, "/predict?user=u7&item=i3&ctx.device=mobile&ctx.hour=13");

    // Then the answer carries the learner's own scores for every task and its version
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode answer = body(response);
    assertThat(answer.get("user").asText()).isEqualTo("u7");
    assertThat(answer.get("item").asText()).isEqualTo("i3");
    assertThat(answer.get("model_version").asLong()).isEqualTo(learner.version()).isEqualTo(20);
    List<String> fields = new ArrayList<>();
    answer.get("scores").fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("ctr", "preference");
    assertThat(answer.get("scores").get("ctr").asDouble())
        .isCloseTo(direct.get("ctr"), within(SCORE_TOLERANCE));
    assertThat(answer.get("scores").get("preference").asDouble())
        .isCloseTo(direct.get("preference"), within(SCORE_TOLERANCE));
  }

  @Test
  void shouldPredictOnlyTheRequestedTasksInRequestOrder() throws Exception {
    TandemHttpServer server =
        startWith(LearnerServingModel.of("0_0", trainedLearner(2), new ReentrantLock()));

    JsonNode one = body(get(server, "/predict?user=u1&item=i1&task=preference"));
    JsonNode both = body(get(server, "/predict?user=u1&item=i1&task=preference,ctr"));

    List<String> oneFields = new ArrayList<>();
    one.get("scores").fieldNames().forEachRemaining(oneFields::add);
    List<String> bothFields = new ArrayList<>();
    both.get("scores").fieldNames().forEachRemaining(bothFields::add);
    assertThat(oneFields).containsExactly("preference");
    assertThat(bothFields).containsExactly("preference", "ctr");
  }

  @Test
  void shouldAnswer400NamingTheMissingUser() throws Exception {
    TandemHttpServer server =
        startWith(LearnerServingModel.of("0_0", trainedLearner(3), new ReentrantLock()));

    HttpResponse<String> response = get(server, "/predict?item=i1");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = body(response);
    assertThat(error.get("error").asText()).isEqualTo("missing_parameter");
    assertThat(error.get("parameter").asText()).isEqualTo("user");
    assertThat(error.get("reason").asText()).startsWith("user:");
  }

  @Test
  void shouldAnswer400ForAnUnknownTaskListingTheKnownOnes() throws Exception {
    TandemHttpServer server =
        startWith(LearnerServingModel.of("0_0", trainedLearner(4), new ReentrantLock()));

    HttpResponse<String> response = get(server, "/predict?user=u1&item=i1&task=ctr,conversion");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = body(response);
    assertThat(error.get("parameter").asText()).isEqualTo("task");
    assertThat(error.get("reason").asText())
        .isEqualTo("task: unknown task 'conversion'; known tasks: ctr, preference");
  }

  @Test
  void shouldAnswer405WithAllowHeaderForAWrongMethod() throws Exception {
    TandemHttpServer server = start(LocalModels.none(), KeyOwnerLocator.localOnly(), null);

    HttpResponse<String> response = send(server, "/predict?user=u1&item=i1", "POST");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    assertThat(body(response).get("error").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void shouldAnswer404ForAnUnknownPath() throws Exception {
    TandemHttpServer server = start(LocalModels.none(), KeyOwnerLocator.localOnly(), null);

    HttpResponse<String> response = get(server, "/predictions");
    HttpResponse<String> withMethod = send(server, "/nothing", "DELETE");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response).get("reason").asText()).contains("'/predictions'");
    assertThat(withMethod.statusCode()).isEqualTo(404);
  }

  @Test
  void shouldAnswer503WhileNoLocalModelExists() throws Exception {
    TandemHttpServer server = start(LocalModels.none(), KeyOwnerLocator.localOnly(), null);

    HttpResponse<String> predict = get(server, "/predict?user=u1&item=i1");
    HttpResponse<String> model = get(server, "/model");
    HttpResponse<String> health = get(server, "/health");

    assertThat(predict.statusCode()).isEqualTo(503);
    assertThat(predict.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(body(predict).get("error").asText()).isEqualTo("model_not_ready");
    assertThat(model.statusCode()).isEqualTo(503);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(body(health).get("models").asInt()).isZero();
  }

  @Test
  void shouldServeARegisteredMeterAsPrometheusText() throws Exception {
    // Given a Prometheus registry with a counter incremented three times
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter counter =
        Counter.builder("tandem.events.consumed").tag("task", "ctr")
            .description("labelled events read").register(registry);
    counter.increment(3);
    TandemHttpServer server = start(LocalModels.none(), KeyOwnerLocator.localOnly(), registry);

    // When Prometheus scrapes
    HttpResponse<String> response = get(server, "/metrics");

    // Then the text exposition contains the counter under Prometheus naming
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(
        "text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE tandem_events_consumed_total counter")
        .contains("tandem_events_consumed_total{task=\"ctr\"} 3.0");
  }

  @Test
  void shouldAnswer404OnMetricsWithoutARegistry() throws Exception {
    TandemHttpServer server = start(LocalModels.none(), KeyOwnerLocator.localOnly(), null);

    HttpResponse<String> response = get(server, "/metrics");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response).get("error").asText()).isEqualTo("metrics_disabled");
  }

  @Test
  void shouldDescribeEveryLocalModel() throws Exception {
    // Given two stream tasks' models with different versions
    MultiTaskModel first = trainedLearner(5);
    MultiTaskModel second = untrained(6);
    LocalModels models =
        new LocalModels(
            List.of(
                LearnerServingModel.of("0_0", first, new ReentrantLock()),
                LearnerServingModel.of("0_1", second, new ReentrantLock())));
    TandemHttpServer server = start(models, KeyOwnerLocator.localOnly(), null);

    // When
    JsonNode model = body(get(server, "/model"));

    // Then the version is the newest, the tasks are described, each stream task is listed
    assertThat(model.get("version").asLong()).isEqualTo(20);
    assertThat(model.get("tasks")).hasSize(2);
    assertThat(model.get("tasks").get(0).get("name").asText()).isEqualTo("ctr");
    assertThat(model.get("tasks").get(0).get("type").asText()).isEqualTo("binary");
    assertThat(model.get("tasks").get(1).get("type").asText()).isEqualTo("regression");
    assertThat(model.get("tasks").get(1).get("max").asDouble()).isEqualTo(5.0);
    assertThat(model.get("stream_tasks")).hasSize(2);
    assertThat(model.get("stream_tasks").get(1).get("id").asText()).isEqualTo("0_1");
    assertThat(model.get("stream_tasks").get(1).get("version").asLong()).isZero();
    // And the loss weights and table sizes come from the models (fixed weights of 1 here)
    assertThat(model.get("loss_weights").get("ctr").asDouble()).isEqualTo(1.0);
    assertThat(model.get("tables").get("user").asLong())
        .isEqualTo(first.stats().tables().get("user").rows()
            + second.stats().tables().get("user").rows())
        .isPositive();
  }

  @Test
  void shouldForwardToTheInstanceThatOwnsTheUser() throws Exception {
    // Given instance B holds the model and instance A (no model) is told B owns every user
    MultiTaskModel learner = trainedLearner(7);
    TandemHttpServer owner = startWith(LearnerServingModel.of("0_0", learner, new ReentrantLock()));
    KeyOwner remote = new KeyOwner.Remote("127.0.0.1", owner.port());
    TandemHttpServer front = start(LocalModels.none(), user -> remote, null);

    // When a client asks A
    HttpResponse<String> response = get(front, "/predict?user=u9&item=i2&task=ctr");

    // Then A relays B's answer and says who served it
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(RequestForwarder.SERVED_BY_HEADER))
        .hasValue("127.0.0.1:" + owner.port());
    double direct = learner.predict(List.of(Example.of("u9", "i2"))).get(0).get("ctr");
    assertThat(body(response).get("scores").get("ctr").asDouble())
        .isCloseTo(direct, within(SCORE_TOLERANCE));
  }

  @Test
  void shouldForwardAtMostOnceWhenInstancesDisagreeAboutTheOwner() throws Exception {
    // Given two instances that each believe the other owns every user (stale metadata)
    int[] ports = new int[2];
    TandemHttpServer a =
        start(LocalModels.none(), user -> new KeyOwner.Remote("127.0.0.1", ports[1]), null);
    TandemHttpServer b =
        start(LocalModels.none(), user -> new KeyOwner.Remote("127.0.0.1", ports[0]), null);
    ports[0] = a.port();
    ports[1] = b.port();

    // When a client asks A, which forwards to B
    HttpResponse<String> response = get(a, "/predict?user=u1&item=i1");

    // Then B refuses to forward again and A relays that answer instead of looping
    assertThat(response.statusCode()).isEqualTo(421);
    JsonNode error = body(response);
    assertThat(error.get("error").asText()).isEqualTo("not_owner");
    assertThat(error.get("owner").asText()).isEqualTo("127.0.0.1:" + a.port());
  }

  @Test
  void shouldAnswer502WhenTheOwnerDoesNotAnswer() throws Exception {
    // Given an owner address where nothing listens any more
    TandemHttpServer gone = start(LocalModels.none(), KeyOwnerLocator.localOnly(), null);
    int deadPort = gone.port();
    gone.close();
    TandemHttpServer front =
        start(LocalModels.none(), user -> new KeyOwner.Remote("127.0.0.1", deadPort), null);

    HttpResponse<String> response = get(front, "/predict?user=u1&item=i1");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(body(response).get("owner").asText()).isEqualTo("127.0.0.1:" + deadPort);
  }

  @Test
  void shouldAnswer503WhenTheOwnerIsUnknown() throws Exception {
    TandemHttpServer server =
        start(LocalModels.none(), user -> new KeyOwner.Unknown("rebalancing"), null);

    HttpResponse<String> response = get(server, "/predict?user=u1&item=i1");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(body(response).get("error").asText()).isEqualTo("owner_unknown");
    assertThat(body(response).get("reason").asText()).contains("u1").contains("rebalancing");
  }

  @Test
  void shouldAnswer500WithoutLeakingTheException() throws Exception {
    // Given a service that fails unexpectedly
    PredictionService broken =
        new PredictionService() {
          @Override
          public java.util.Optional<ServingModel> modelFor(String user) {
            throw new IllegalStateException("secret internal detail");
          }

          @Override
          public List<ServingModel> all() {
            return List.of();
          }
        };
    TandemHttpServer server = start(broken, KeyOwnerLocator.localOnly(), null);

    HttpResponse<String> response = get(server, "/predict?user=u1&item=i1");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(body(response).get("error").asText()).isEqualTo("internal");
    assertThat(response.body()).doesNotContain("secret").doesNotContain("Exception")
        .doesNotContain("at io.tandem");
  }

  @Test
  void shouldServeConsistentAnswersWhileATrainerLearnsConcurrently() throws Exception {
    // Given a learner trained on another thread under the lock the serving model shares
    MultiTaskModel learner = trainedLearner(8);
    ReentrantLock lock = new ReentrantLock();
    TandemHttpServer server = startWith(LearnerServingModel.of("0_0", learner, lock));
    ExecutorService trainer = Executors.newSingleThreadExecutor();
    Future<?> training =
        trainer.submit(
            () -> {
              SplittableRandom random = new SplittableRandom(9);
              for (int batch = 0; batch < 60; batch++) {
                List<LabelledExample> examples = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                  examples.add(
                      LabelledExample.of(
                          Example.of("u" + random.nextInt(50), "i" + random.nextInt(20)),
                          "ctr", random.nextBoolean() ? 1.0 : 0.0));
                }
                lock.lock();
                try {
                  learner.learn(examples);
                } finally {
                  lock.unlock();
                }
              }
            });

    // When clients query meanwhile
    long lastVersion = -1;
    for (int i = 0; i < 100; i++) {
      HttpResponse<String> response = get(server, "/predict?user=u" + (i % 50) + "&item=i1");
      // Then every answer is complete and versions never go backwards
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode answer = body(response);
      assertThat(answer.get("scores").size()).isEqualTo(2);
      long version = answer.get("model_version").asLong();
      assertThat(version).isGreaterThanOrEqualTo(lastVersion);
      lastVersion = version;
    }
    training.get();
    trainer.shutdown();
    assertThat(learner.version()).isEqualTo(80);
  }

  @Test
  void shouldAnswerWithoutWaitingForDelayedAcks() throws Exception {
    // Given a server (the JDK's writes headers and body separately: with Nagle's algorithm on,
    // every answer waited ~40 ms for the client's delayed ACK)
    TandemHttpServer server = startWith(LearnerServingModel.of("0_0", untrained(10), new ReentrantLock()));
    get(server, "/predict?user=u1&item=i1");

    // When 31 requests are sent one after another on a kept-alive connection
    long[] nanos = new long[31];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      assertThat(get(server, "/predict?user=u" + i + "&item=i1").statusCode()).isEqualTo(200);
      nanos[i] = System.nanoTime() - start;
    }

    // Then the median round trip is far below the delayed-ACK timer
    java.util.Arrays.sort(nanos);
    assertThat(nanos[nanos.length / 2]).isLessThan(Duration.ofMillis(25).toNanos());
  }
}
