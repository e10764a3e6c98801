package io.tandem.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.broker.BrokerSettings;
import io.tandem.streams.broker.EmbeddedBroker;
import io.tandem.tests.support.TandemRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, broker outage: Tandem runs in this JVM against a broker of this test's own (the shared
 * broker must not go away under other classes). The broker is stopped for {@value #OUTAGE_S} s
 * while Tandem is working through a backlog (stopped once {@value #STOP_AFTER} of
 * {@value #EVENTS_BEFORE} events are predicted), then started again on the same port and data
 * directory. Without any restart of the app, Tandem reconnects, is RUNNING again and predicts
 * every event: the rest of the backlog and the events produced after the restart
 * (at_least_once, so each at least once; the duplicate count is printed).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BrokerOutageIT {

  private static final int OUTAGE_S = 30;
  private static final int EVENTS_BEFORE = 6_000;
  /** The broker is stopped once this many predictions are visible, mid-backlog. */
  private static final int STOP_AFTER = 500;
  private static final int EVENTS_AFTER = 1_000;
  private static final int PARTITIONS = 2;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path brokerDir;

  @TempDir
  Path stateDir;

  @Test
  void shouldRecoverByItselfAndPredictEveryEventAfterTheBrokerComesBack() throws Exception {
    // Given: a broker with a data directory that outlives it, and Tandem running against it
    BrokerSettings settings = BrokerSettings.ephemeral().withDataDir(brokerDir);
    EmbeddedBroker broker = EmbeddedBroker.start(settings);
    int port = broker.port();
    String bootstrap = broker.bootstrapServers();
    Properties client = Clients.properties(bootstrap);
    TandemRun run = new TandemRun("outage", PARTITIONS);
    Clients.createTopics(client, PARTITIONS, List.of(run.events, run.requests, run.predictions,
        run.deadLetter, run.transferUpdates));
    try (TandemApp app = TandemRun.start(run.config(bootstrap, stateDir, Map.of()),
        new SimpleMeterRegistry());
        PredictionLedger ledger = PredictionLedger.tail(bootstrap, run.predictions, Map.of())) {
      Clients.produce(client, run.events, events(0, EVENTS_BEFORE));
      ledger.awaitAtLeast(STOP_AFTER, WAIT, "before the outage", () -> "state " + app.state());

      // When: while Tandem works through that backlog, the broker goes down for OUTAGE_S
      // seconds, then comes back on the same port with the same data
      broker.close();
      int predictedBeforeOutage = ledger.countsById().size();
      long down = System.nanoTime();
      Thread.sleep(Duration.ofSeconds(OUTAGE_S).toMillis());
      KafkaStreams.State duringOutage = app.state();
      broker = EmbeddedBroker.start(settings.withPort(port));
      long up = System.nanoTime();
      Clients.produce(client, run.events, events(EVENTS_BEFORE, EVENTS_BEFORE + EVENTS_AFTER));
      ledger.awaitAtLeast(ledger.size() + 1, WAIT, "first prediction after the outage",
          () -> "state " + app.state());
      Duration firstAfter = Duration.ofNanos(System.nanoTime() - up);

      // Then: every event predicted, by the same app instance, which is RUNNING again
      ledger.awaitDistinct(EVENTS_BEFORE + EVENTS_AFTER, WAIT, "after the outage",
          () -> "state " + app.state());
      Set<String> expected = IntStream.range(0, EVENTS_BEFORE + EVENTS_AFTER).mapToObj(i -> "e-" + i)
          .collect(Collectors.toSet());
      assertThat(ledger.countsById().keySet()).isEqualTo(expected);
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
      System.out.printf("BrokerOutageIT: broker down %d s with %d of %d backlog events predicted"
              + " (Tandem state meanwhile %s), restarted in %d ms; first prediction %d ms after"
              + " restart; %d events, %d duplicate predictions%n",
          Duration.ofNanos(up - down).toSeconds(), predictedBeforeOutage, EVENTS_BEFORE, duringOutage,
          broker.startupTime().toMillis(), firstAfter.toMillis(), expected.size(), ledger.duplicates());
    } finally {
      broker.close();
    }
  }

  private static List<ProducerRecord<String, byte[]>> events(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> new ProducerRecord<>("unused", TandemRun.user(i),
        TandemRun.event(i, i % 4 == 3 ? "preference" : "ctr").getBytes(StandardCharsets.UTF_8)))
        .toList();
  }
}
