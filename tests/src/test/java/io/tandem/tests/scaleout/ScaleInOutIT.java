package io.tandem.tests.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.streams.app.TandemApp;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding and then removing an instance mid-stream keeps every prediction flowing: instance A
 * runs all four stream tasks, instance B joins while events are being produced (the tasks are
 * spread over both), then A leaves (B takes them all), and under {@code exactly_once_v2} every
 * labelled event has exactly one prediction visible to a read_committed consumer. Replica sync
 * runs throughout, so stream tasks move with their sync state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScaleInOutIT {

  private static final int CTR_EVENTS = 9_000;
  private static final int PREFERENCE_EVENTS = 3_000;
  /** Events per produced chunk and the pause between chunks: about 10 s of traffic. */
  private static final int CHUNK = 120;
  private static final long PAUSE_MS = 100;

  @TempDir
  Path dirA;

  @TempDir
  Path dirB;

  @Test
  void shouldPredictEveryEventExactlyOnceWhileAnInstanceJoinsAndAnotherLeaves() throws Exception {
    // Given: instance A alone, with sync, under exactly_once_v2
    ScaleOut scaleOut = new ScaleOut("scale-in-out");
    Map<String, String> settings = Map.of("processing.guarantee", "exactly_once_v2",
        "sync.interval.ms", "500");
    List<GeneratedEvent> stream = ScaleOut.stream(CTR_EVENTS, PREFERENCE_EVENTS);
    TandemApp a = TandemRun.start(scaleOut.config(dirA, settings), new SimpleMeterRegistry());
    TandemApp b = null;
    try {
      ScaleOut.awaitAllTasks(List.of(a));

      // When: events flow; B joins after a third of them, A leaves after two thirds
      CompletableFuture<Void> producing = CompletableFuture.runAsync(
          () -> ScaleOut.producePaced(scaleOut.run.events, stream, CHUNK, PAUSE_MS));
      awaitPredictions(scaleOut, stream.size() / 3);
      b = TandemRun.start(scaleOut.config(dirB, settings), new SimpleMeterRegistry());
      ScaleOut.awaitAllTasks(List.of(a, b));
      int tasksOnB = b.models().size();
      awaitPredictions(scaleOut, 2 * stream.size() / 3);
      a.close();
      a = null;
      ScaleOut.awaitAllTasks(List.of(b));
      producing.get(ScaleOut.WAIT.toSeconds(), TimeUnit.SECONDS);

      // Then: one prediction per event, none missing, none doubled
      List<ConsumerRecord<String, String>> predictions =
          SharedKafka.consume(scaleOut.run.predictions, stream.size(), ScaleOut.WAIT);
      Thread.sleep(1_000);
      List<ConsumerRecord<String, String>> all = SharedKafka.consumeAll(scaleOut.run.predictions);
      Map<String, Long> perEvent = all.stream().collect(Collectors.groupingBy(
          p -> TandemRun.field(p.value(), "id"), Collectors.counting()));
      Map<String, Long> doubled = new HashMap<>(perEvent);
      doubled.values().removeIf(n -> n == 1);
      System.out.printf("ScaleInOutIT: %d events, %d predictions, %d stream tasks moved to B at"
          + " its join%n", stream.size(), all.size(), tasksOnB);
      assertThat(tasksOnB).as("B took stream tasks when it joined").isBetween(1, 3);
      assertThat(predictions).hasSize(stream.size());
      assertThat(doubled).as("events predicted more than once").isEmpty();
      assertThat(perEvent.keySet()).as("every event predicted").containsExactlyInAnyOrderElementsOf(
          stream.stream().map(GeneratedEvent::id).toList());
    } finally {
      if (a != null) {
        a.close();
      }
      if (b != null) {
        b.close();
      }
    }
  }

  /** Waits until at least {@code count} predictions are readable. */
  private static void awaitPredictions(ScaleOut scaleOut, int count) {
    SharedKafka.consume(scaleOut.run.predictions, count, ScaleOut.WAIT);
  }

}
