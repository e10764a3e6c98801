package io.tandem.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.broker.BrokerSettings;
import io.tandem.streams.broker.EmbeddedBroker;
import io.tandem.streams.cli.TandemCli;
import io.tandem.streams.config.TandemConfig;
import io.tandem.tests.support.TandemRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, security: Kafka's SASL settings pass through Tandem's configuration untouched. This
 * class runs its own embedded broker with, besides its PLAINTEXT listener (which only the
 * broker's readiness check uses), a {@code SASL_PLAINTEXT} listener accepting mechanism
 * {@code PLAIN} for the users in its JAAS configuration. Tandem, given only the SASL listener and
 * {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}, learns and
 * predicts; with a wrong password {@code tandem run} fails at once with one line naming the
 * authentication failure (its topic check runs first) instead of hanging. An app started in
 * process with a wrong password should end in an error state; it does not yet (see the disabled
 * test).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SaslPlainIT {

  private static final String USER = "tandem";
  private static final String PASSWORD = "tandem-secret";
  private static final int EVENTS = 600;
  private static final int PARTITIONS = 2;
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** {@code tandem run}'s admin timeout is 30 s; allow for a busy machine on top. */
  private static final Duration WRONG_PASSWORD_DEADLINE = Duration.ofSeconds(60);

  private static EmbeddedBroker broker;
  private static String saslBootstrap;

  @TempDir
  Path stateDir;

  @BeforeAll
  static void startBrokerWithSaslListener() throws IOException {
    int plaintext = freePort();
    int sasl = freePort();
    int controller = freePort();
    String host = "127.0.0.1";
    broker = EmbeddedBroker.start(BrokerSettings.ephemeral().withPort(plaintext).withBrokerOverrides(Map.of(
        "listeners", "PLAINTEXT://" + host + ":" + plaintext + ",SASL_PLAINTEXT://" + host + ":" + sasl
            + ",CONTROLLER://" + host + ":" + controller,
        "advertised.listeners", "PLAINTEXT://" + host + ":" + plaintext + ",SASL_PLAINTEXT://" + host + ":"
            + sasl,
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.quorum.voters", "1@" + host + ":" + controller,
        "sasl.enabled.mechanisms", "PLAIN",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
            + " password=\"admin-secret\" user_admin=\"admin-secret\" user_" + USER + "=\"" + PASSWORD
            + "\";")));
    saslBootstrap = host + ":" + sasl;
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldLearnAndPredictThroughASaslPlainListener() throws Exception {
    // Given: topics and events written through the SASL listener
    Properties client = saslClient(PASSWORD);
    TandemRun run = new TandemRun("sasl", PARTITIONS);
    Clients.createTopics(client, PARTITIONS, List.of(run.events, run.requests, run.predictions,
        run.deadLetter, run.transferUpdates));
    Clients.produce(client, run.events, IntStream.range(0, EVENTS)
        .mapToObj(i -> new ProducerRecord<>("unused", TandemRun.user(i),
            TandemRun.event(i, "ctr").getBytes(StandardCharsets.UTF_8))).toList());

    // When: Tandem runs with the SASL settings as plain configuration keys
    TandemConfig config = saslSettings(run.config(saslBootstrap, stateDir, Map.of()), PASSWORD);
    try (TandemApp app = TandemRun.start(config, new SimpleMeterRegistry());
        PredictionLedger ledger = PredictionLedger.tail(saslBootstrap, run.predictions,
            toMap(client))) {
      // Then: every event predicted, and the model learned
      ledger.awaitDistinct(EVENTS, WAIT, "over SASL", () -> "state " + app.state());
      assertThat(ledger.duplicates()).isZero();
      assertThat(app.models().maxVersion()).as("model version after %d events", EVENTS).isPositive();
    }
  }

  @Test
  void shouldFailWithAClearErrorOnAWrongPassword() throws Exception {
    // Given: the right user with a wrong password
    TandemRun run = new TandemRun("sasl-wrong", PARTITIONS);
    TandemConfig config = saslSettings(run.config(saslBootstrap, stateDir, Map.of("http.port", "0")),
        "not-" + PASSWORD);
    List<String> args = new ArrayList<>(List.of("run", "--report-every", "0"));
    config.values().forEach((k, v) -> {
      args.add("--set");
      args.add(k + "=" + v);
    });
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    // When: tandem run starts
    long started = System.nanoTime();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> TandemCli.commandLine(
        new PrintWriter(out, true), new PrintWriter(err, true)).execute(args.toArray(String[]::new)));
    int code = exit.get(WRONG_PASSWORD_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // Then: it ends with an error that names the cause, the password not echoed
    System.out.printf("SaslPlainIT: wrong password -> exit %d after %d ms: %s%n", code, took.toMillis(),
        err.toString().strip());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).containsIgnoringCase("authentication failed")
        .doesNotContain("not-" + PASSWORD);
  }

  @Test
  void shouldStopTheAppWithAnErrorStateOnAWrongPassword() throws Exception {
    // Given: topics that exist, and an app configured with a wrong password
    TandemRun run = new TandemRun("sasl-app-wrong", PARTITIONS);
    Clients.createTopics(saslClient(PASSWORD), PARTITIONS, List.of(run.events, run.requests,
        run.predictions, run.deadLetter, run.transferUpdates));
    TandemConfig config = saslSettings(run.config(saslBootstrap, stateDir, Map.of()), "not-" + PASSWORD);

    // When: started in process (no CLI topic check in front of it)
    List<String> states = new ArrayList<>();
    long started = System.nanoTime();
    try (TandemApp app = TandemApp.start(config, new SimpleMeterRegistry())) {
      while (System.nanoTime() - started < WRONG_PASSWORD_DEADLINE.toNanos()
          && app.state() != KafkaStreams.State.ERROR && app.state() != KafkaStreams.State.NOT_RUNNING
          && app.state() != KafkaStreams.State.PENDING_ERROR) {
        String state = app.state().toString();
        if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
          states.add(state);
        }
        Thread.sleep(100);
      }
      states.add(app.state().toString());
      System.out.printf("SaslPlainIT: app with a wrong password: states %s after %d ms%n", states,
          Duration.ofNanos(System.nanoTime() - started).toMillis());

      // Then: it gives up instead of retrying forever
      assertThat(app.state()).as("state %s s after start", WRONG_PASSWORD_DEADLINE.toSeconds())
          .isIn(KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.ERROR, KafkaStreams.State.NOT_RUNNING);
    }
  }

  private static TandemConfig saslSettings(TandemConfig config, String password) {
    return config.with("security.protocol", "SASL_PLAINTEXT")
        .with("sasl.mechanism", "PLAIN")
        .with("sasl.jaas.config", jaas(password));
  }

  private static Properties saslClient(String password) {
    Properties p = Clients.properties(saslBootstrap);
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", "PLAIN");
    p.put("sasl.jaas.config", jaas(password));
    return p;
  }

  private static String jaas(String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
        + "\" password=\"" + password + "\";";
  }

  private static Map<String, Object> toMap(Properties p) {
    Map<String, Object> m = new HashMap<>();
    p.forEach((k, v) -> m.put((String) k, v));
    return m;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
