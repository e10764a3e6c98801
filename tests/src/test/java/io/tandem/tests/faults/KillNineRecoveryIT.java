package io.tandem.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.streams.topology.ModelStores;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 (kill -9 recovery) and issue 4 (crash mid-batch): Tandem runs in a child JVM against
 * the shared broker while a generated stream arrives at a steady rate, and is killed with SIGKILL
 * (no commit, no flush, no leave-group) while events are buffered for a micro-batch (batch size
 * {@value #BATCH} and linger {@value #LINGER_MS} ms against commits every {@value #COMMIT_MS} ms,
 * so nearly every commit snapshots a non-empty pending buffer). A new child then takes over, on
 * the same state directory or on an empty one (restore from the changelog topics only).
 *
 * <p>Under {@code exactly_once_v2}: every event has exactly one prediction visible to a
 * read_committed consumer, no partition's model version goes backwards, and the committed models
 * have learned exactly as many events as were produced. Under {@code at_least_once}: no event is
 * missing; duplicates are counted and printed, not asserted.
 *
 * <p>Group failover is sped up with {@code session.timeout.ms=6000} (the broker's minimum); the
 * test prints the recovery times it measures.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KillNineRecoveryIT {

  private static final int EVENTS = 6_000;
  private static final int PARTITIONS = 2;
  private static final double EVENTS_PER_SECOND = 500;
  private static final int BATCH = 200;
  private static final int LINGER_MS = 1_000;
  private static final int COMMIT_MS = 200;
  private static final String CHILD_HEAP = "384m";
  private static final Duration WAIT = Duration.ofSeconds(75);
  private static final Pattern RESTORED_BUFFER =
      Pattern.compile("stream task (\\S+): (\\d+) buffered events restored");

  @TempDir
  Path work;

  private final List<ChildTandem> children = new ArrayList<>();

  /** Kills any child a failed test left running. */
  @AfterEach
  void killChildren() {
    children.forEach(ChildTandem::close);
  }

  private ChildTandem spawn(String name, Map<String, String> settings) {
    ChildTandem child = ChildTandem.start(name, settings, CHILD_HEAP, work);
    children.add(child);
    return child;
  }

  @Test
  void shouldPredictAndLearnEveryEventExactlyOnceAcrossKillNineUnderExactlyOnce() throws Exception {
    // Given: an exactly-once deployment, a generated stream arriving at a steady rate
    TandemRun run = new TandemRun("kill9-eos", PARTITIONS).createTopics();
    TandemConfig config = config(run, work.resolve("state-a"), "exactly_once_v2");
    List<ProducerRecord<String, byte[]>> stream = stream(11L);
    Set<String> ids = ids(stream);

    try (PredictionLedger ledger = PredictionLedger.tail(SharedKafka.bootstrapServers(),
        run.predictions, Map.of())) {
      ChildTandem first = spawn("eos-first", config.values());
      PacedProducer producer = PacedProducer.start(SharedKafka.bootstrapServers(), run.events,
          stream, EVENTS_PER_SECOND);

      // When: killed -9 a quarter of the way in
      ledger.awaitAtLeast(EVENTS / 4, WAIT, "first instance", () -> first.tail(30));
      first.kill9();
      Recovery sameDir = recover(ledger, "eos-second", config.values(), EVENTS / 2);
      // And: the successor on the same state directory killed -9 half way in
      sameDir.child().kill9();
      long rowsRecords = DenseChangelog.records(SharedKafka.bootstrapServers(),
          DenseChangelog.topic(run.applicationId, ModelStores.ROWS_STORE));
      TandemConfig emptyDir = config(run, work.resolve("state-c"), "exactly_once_v2");
      Recovery fromChangelog = recover(ledger, "eos-third", emptyDir.values(), EVENTS);
      producer.awaitDone(WAIT.toMillis());
      ledger.awaitDistinct(EVENTS, WAIT, "third instance", () -> fromChangelog.child().tail(30));
      double trainedByThird = fromChangelog.child().scrapeSum("tandem_events_trained_events_total");
      fromChangelog.child().stop();
      // (a late duplicate would be visible by now: the clean stop committed everything)
      Thread.sleep(2 * COMMIT_MS);
      Map<Integer, DenseChangelog.TaskState> committed =
          DenseChangelog.read(SharedKafka.bootstrapServers(), config);
      long learned = committed.values().stream().mapToLong(DenseChangelog.TaskState::eventsLearned).sum();
      Map<String, Integer> restoredSecond = restoredBuffers(sameDir.child());
      Map<String, Integer> restoredThird = restoredBuffers(fromChangelog.child());
      System.out.printf("KillNineRecoveryIT[eos]: %d events, %d duplicates; kill -9 -> first new"
              + " prediction: same state dir %d ms, empty state dir %d ms (changelog of %d row"
              + " records); buffered events restored: second %s, third %s; third instance trained"
              + " %.0f; committed models learned %d (versions %s)%n",
          EVENTS, ledger.duplicates(), sameDir.firstPrediction().toMillis(),
          fromChangelog.firstPrediction().toMillis(), rowsRecords, restoredSecond, restoredThird,
          trainedByThird, learned, committed.values().stream()
              .map(s -> s.partition() + ":" + s.version()).collect(Collectors.joining(",")));

      // Then: exactly one committed prediction per event, none missing
      assertThat(ledger.countsById().keySet()).as("predicted event ids").isEqualTo(ids);
      assertThat(ledger.duplicates()).as("duplicate predictions under exactly_once_v2").isZero();
      // And: model versions never go backwards within a partition, and what was committed last
      // is at least the newest version any visible prediction carries
      assertThat(ledger.versionRegressions()).as("model version regressions").isEmpty();
      assertThat(committed).hasSize(PARTITIONS);
      for (DenseChangelog.TaskState s : committed.values()) {
        assertThat(s.version()).as("committed version of partition %d", s.partition())
            .isGreaterThanOrEqualTo(ledger.maxVersionByPartition().get(s.partition()));
      }
      // And: the committed models learned every event exactly once
      assertThat(learned).as("events learned by the committed models").isEqualTo(EVENTS);
      // And: the kills landed mid-batch: a successor re-buffered events the dead one had not learned
      assertThat(total(restoredSecond) + total(restoredThird))
          .as("buffered events restored after the kills (batch %d, linger %d ms)", BATCH, LINGER_MS)
          .isPositive();
    }
  }

  @Test
  void shouldMissNoEventAcrossKillNineUnderAtLeastOnceAndCountDuplicates() throws Exception {
    // Given: an at-least-once deployment and a generated stream arriving at a steady rate
    TandemRun run = new TandemRun("kill9-alos", PARTITIONS).createTopics();
    TandemConfig config = config(run, work.resolve("state"), "at_least_once");
    List<ProducerRecord<String, byte[]>> stream = stream(12L);
    Set<String> ids = ids(stream);

    try (PredictionLedger ledger = PredictionLedger.tail(SharedKafka.bootstrapServers(),
        run.predictions, Map.of())) {
      ChildTandem first = spawn("alos-first", config.values());
      PacedProducer producer = PacedProducer.start(SharedKafka.bootstrapServers(), run.events,
          stream, EVENTS_PER_SECOND);

      // When: killed -9 a third of the way in and restarted on the same state directory
      ledger.awaitAtLeast(EVENTS / 3, WAIT, "first instance", () -> first.tail(30));
      first.kill9();
      Recovery recovery = recover(ledger, "alos-second", config.values(), EVENTS);
      producer.awaitDone(WAIT.toMillis());
      ledger.awaitDistinct(EVENTS, WAIT, "second instance", () -> recovery.child().tail(30));
      recovery.child().stop();

      Map<Integer, DenseChangelog.TaskState> committed =
          DenseChangelog.read(SharedKafka.bootstrapServers(), config);
      long learned = committed.values().stream().mapToLong(DenseChangelog.TaskState::eventsLearned).sum();
      System.out.printf("KillNineRecoveryIT[alos]: %d events, %d duplicate predictions, %d version"
              + " regressions; kill -9 -> first new prediction %d ms; buffered events restored %s;"
              + " committed models learned %d%n",
          EVENTS, ledger.duplicates(), ledger.versionRegressions().size(),
          recovery.firstPrediction().toMillis(), restoredBuffers(recovery.child()), learned);

      // Then: no event is missing (duplicates are allowed, and printed above)
      assertThat(ledger.countsById().keySet()).as("predicted event ids").isEqualTo(ids);
      // And: every event was learned, some possibly twice
      assertThat(learned).as("events learned (at least once)").isGreaterThanOrEqualTo(EVENTS);
    }
  }

  /** A successor instance and how long after the kill its first prediction became visible. */
  private record Recovery(ChildTandem child, Duration firstPrediction) {}

  /**
   * Starts a successor right after a kill, waits for its first new prediction (timed from now)
   * and then until {@code until} predictions are visible.
   */
  private Recovery recover(PredictionLedger ledger, String name, Map<String, String> settings,
      int until) throws InterruptedException {
    long killedAt = System.nanoTime();
    int before = ledger.size();
    ChildTandem child = spawn(name, settings);
    ledger.awaitAtLeast(before + 1, WAIT, name + " first prediction", () -> child.tail(30));
    Duration first = Duration.ofNanos(System.nanoTime() - killedAt);
    ledger.awaitAtLeast(Math.min(until, EVENTS), WAIT, name, () -> child.tail(30));
    return new Recovery(child, first);
  }

  private static TandemConfig config(TandemRun run, Path stateDir, String guarantee) {
    return run.config(stateDir, Map.of(
        "processing.guarantee", guarantee,
        "commit.interval.ms", String.valueOf(COMMIT_MS),
        "learner.batch.size", String.valueOf(BATCH),
        "learner.batch.linger.ms", String.valueOf(LINGER_MS),
        "session.timeout.ms", "6000",
        "heartbeat.interval.ms", "1000",
        "http.port", "0"));
  }

  private static List<ProducerRecord<String, byte[]>> stream(long seed) {
    GeneratorConfig generator = GeneratorConfig.defaults().withSeed(seed)
        .withPopulation(400, 100).withEvents(EVENTS * 3 / 4, EVENTS / 4);
    List<GeneratedEvent> events = StreamGenerator.stream(generator).toList();
    assertThat(events).hasSize(EVENTS);
    return events.stream()
        .map(e -> new ProducerRecord<>("unused", e.user(), GeneratedEventJson.event(e)))
        .toList();
  }

  private static Set<String> ids(List<ProducerRecord<String, byte[]>> stream) {
    return stream.stream()
        .map(r -> TandemRun.field(new String(r.value(), StandardCharsets.UTF_8), "id"))
        .collect(Collectors.toSet());
  }

  /**
   * Stream task to the number of buffered (not yet learned) events it restored at start, from the
   * "buffered events restored" lines of a child's log.
   */
  private static Map<String, Integer> restoredBuffers(ChildTandem child) {
    Map<String, Integer> restored = new HashMap<>();
    Matcher m = RESTORED_BUFFER.matcher(child.log());
    while (m.find()) {
      restored.merge(m.group(1), Integer.parseInt(m.group(2)), Integer::sum);
    }
    return restored;
  }

  private static int total(Map<String, Integer> restored) {
    return restored.values().stream().mapToInt(Integer::intValue).sum();
  }
}
