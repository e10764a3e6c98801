package io.tandem.tests.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.streams.http.DeferredKeyOwnerLocator;
import io.tandem.streams.http.HttpSettings;
import io.tandem.streams.http.KafkaStreamsKeyOwnerLocator;
import io.tandem.streams.http.LearnerServingModel;
import io.tandem.streams.http.PredictionService;
import io.tandem.streams.http.ServingModel;
import io.tandem.streams.http.TandemHttpServer;
import io.tandem.tests.support.SharedKafka;
import java.io.IOException;
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
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two application instances on a real broker, each with its own HTTP server: a query sent to
 * either one is answered by the instance Kafka Streams says owns the user.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyOwnerForwardingIT {

  private static final String STORE = "users";
  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();

  @TempDir Path stateDirs;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** One application instance: a KafkaStreams with a user-keyed store and an HTTP server. */
  private record Instance(KafkaStreams streams, TandemHttpServer http, HostInfo self) {}

  private Instance startInstance(String applicationId, String topic, String name)
      throws IOException {
    MultiTaskModel learner = MultiTaskModel.create(ModelConfig.defaults().withSeed(11), TASKS);
    ServingModel model = LearnerServingModel.of(name, learner, new ReentrantLock());
    PredictionService service =
        new PredictionService() {
          @Override
          public Optional<ServingModel> modelFor(String user) {
            return Optional.of(model);
          }

          @Override
          public List<ServingModel> all() {
            return List.of(model);
          }
        };
    // The HTTP port must be known before Kafka Streams is configured (application.server), and
    // the locator needs Kafka Streams: the server starts with a locator bound afterwards.
    DeferredKeyOwnerLocator locator = new DeferredKeyOwnerLocator();
    TandemHttpServer http =
        TandemHttpServer.start(HttpSettings.of("127.0.0.1", 0), service, locator, null);
    resources.add(http);
    HostInfo self = new HostInfo("127.0.0.1", http.port());

    StreamsBuilder builder = new StreamsBuilder();
    builder.table(
        topic, Consumed.with(Serdes.String(), Serdes.String()),
        Materialized.as(STORE));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDirs.resolve(name).toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    resources.add(() -> streams.close(Duration.ofSeconds(10)));
    locator.bind(new KafkaStreamsKeyOwnerLocator(streams, STORE, self));
    streams.start();
    return new Instance(streams, http, self);
  }

  private HttpResponse<String> predict(Instance instance, String user)
      throws IOException, InterruptedException {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + instance.http().port() + "/predict?user=" + user + "&item=i1");
    return client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldAnswerEveryUserFromTheInstanceThatOwnsIt() throws Exception {
    // Given a 4-partition topic of 40 users and two instances of one application
    String topic = SharedKafka.uniqueTopic("http-users");
    SharedKafka.createTopics(4, topic);
    List<Map.Entry<String, String>> users = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      users.add(new AbstractMap.SimpleImmutableEntry<>("u" + i, "{}"));
    }
    SharedKafka.produce(topic, users);
    String applicationId = SharedKafka.uniqueTopic("http-forwarding");
    Instance a = startInstance(applicationId, topic, "a");
    Instance b = startInstance(applicationId, topic, "b");

    // And both instances running with partitions split between them
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(
        () -> a.streams().state() == KafkaStreams.State.RUNNING
            && b.streams().state() == KafkaStreams.State.RUNNING
            && hasActiveTasks(a.streams()) && hasActiveTasks(b.streams()));

    // When every user is queried at instance A
    int forwarded = 0;
    int local = 0;
    for (Map.Entry<String, String> user : users) {
      KeyQueryMetadata owner =
          a.streams().queryMetadataForKey(STORE, user.getKey(), Serdes.String().serializer());
      HttpResponse<String> response = predict(a, user.getKey());

      // Then A answers itself for its users and relays B's answer for B's users
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      if (owner.activeHost().equals(a.self())) {
        assertThat(response.headers().firstValue("X-Tandem-Served-By")).isEmpty();
        local++;
      } else {
        assertThat(owner.activeHost()).isEqualTo(b.self());
        assertThat(response.headers().firstValue("X-Tandem-Served-By"))
            .hasValue("127.0.0.1:" + b.http().port());
        forwarded++;
      }
    }
    assertThat(local).isPositive();
    assertThat(forwarded).isPositive();
  }

  private static boolean hasActiveTasks(KafkaStreams streams) {
    return streams.metadataForLocalThreads().stream()
        .anyMatch(thread -> !thread.activeTasks().isEmpty());
  }
}
