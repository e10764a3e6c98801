package io.tandem.tests.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.schemas.DeadLetterHeaders;
import io.tandem.schemas.RejectionReason;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2's acceptance for bad input: 1,000 mixed valid and invalid records through the running
 * topology on a real broker; every valid one is predicted once and counted, every invalid one is
 * in the dead-letter topic, bytes untouched, with the right reason and source coordinates.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BadInputIT {

  private static final int RECORDS = 1_000;
  private static final Duration WAIT = Duration.ofSeconds(45);

  @TempDir
  Path stateDir;

  @Test
  void shouldPredictEveryValidRecordOnceAndDeadLetterEveryInvalidOneWithItsReason()
      throws Exception {
    // Given: two-partition topics and 1,000 records, half of them invalid in six different ways
    TandemRun run = new TandemRun("bad-input", 2).createTopics();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Set<String> validIds = new HashSet<>();
    Map<String, RejectionReason> invalid = new HashMap<>();
    for (int i = 0; i < RECORDS; i++) {
      byte[] key = bytes(TandemRun.user(i));
      byte[] value;
      RejectionReason reason = null;
      switch (i % 10) {
        case 0, 1, 2 -> value = bytes(TandemRun.event(i, "ctr"));
        case 3 -> value = bytes(TandemRun.event(i, "preference"));
        case 4 -> {
          key = null;
          value = bytes(TandemRun.event(i, "ctr"));
        }
        case 5 -> {
          value = bytes("{\"id\":\"e-" + i + "\",\"task\":");
          reason = RejectionReason.MALFORMED_JSON;
        }
        case 6 -> {
          value = bytes(TandemRun.event(i, "ctr").replace("\"ctr\"", "\"churn\""));
          reason = RejectionReason.UNKNOWN_TASK;
        }
        case 7 -> {
          value = bytes(TandemRun.event(i, "ctr").replace("\"label\":" + (i % 2), "\"label\":3"));
          reason = RejectionReason.LABEL_OUT_OF_RANGE;
        }
        case 8 -> {
          value = TandemRun.event(i, "ctr").getBytes(StandardCharsets.ISO_8859_1);
          value[value.length - 3] = (byte) 0xff;
          reason = RejectionReason.NOT_UTF8;
        }
        default -> {
          if (i == RECORDS - 1) {
            value = bytes(TandemRun.event(i, "ctr").replace("\"mobile\"",
                "\"" + "m".repeat(70_000) + "\"").replace("\"desktop\"",
                "\"" + "d".repeat(70_000) + "\""));
            reason = RejectionReason.TOO_LARGE;
          } else {
            value = bytes(TandemRun.event(i, "ctr").replace("\"item\":", "\"thing\":"));
            reason = RejectionReason.SCHEMA_VIOLATION;
          }
        }
      }
      records.add(new ProducerRecord<>(run.events, key, value));
      if (reason == null) {
        validIds.add("e-" + i);
      } else {
        invalid.put(latin1(value), reason);
      }
    }
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    // When
    SharedKafka.produceRaw(run.events, records);
    try (TandemApp app = TandemRun.start(run.config(stateDir, Map.of()), meters)) {
      List<ConsumerRecord<String, String>> predictions =
          SharedKafka.consume(run.predictions, validIds.size(), WAIT);
      List<ConsumerRecord<byte[], byte[]>> dead =
          SharedKafka.consumeRaw(run.deadLetter, invalid.size(), WAIT);
      assertThat(app.state()).as("after the bad input").isEqualTo(KafkaStreams.State.RUNNING);

      // Then: one prediction per valid event, keyed by its user
      List<String> predictedIds = new ArrayList<>();
      for (ConsumerRecord<String, String> p : predictions) {
        String id = TandemRun.field(p.value(), "id");
        predictedIds.add(id);
        assertThat(p.value()).contains("\"user\":\"" + p.key() + "\"");
      }
      assertThat(predictedIds).doesNotHaveDuplicates();
      assertThat(new HashSet<>(predictedIds)).isEqualTo(validIds);

      // And: every invalid record dead-lettered, bytes untouched, with its reason and origin
      Map<String, ConsumerRecord<byte[], byte[]>> inputByCoordinates = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> in : SharedKafka.consumeRaw(run.events, RECORDS, WAIT)) {
        inputByCoordinates.put(in.partition() + "@" + in.offset(), in);
      }
      Map<String, RejectionReason> seen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> d : dead) {
        String value = latin1(d.value());
        assertThat(invalid).containsKey(value);
        RejectionReason reason = DeadLetterHeaders.rejection(d.headers()).reason();
        assertThat(reason).as(value.substring(0, Math.min(80, value.length())))
            .isEqualTo(invalid.get(value));
        assertThat(DeadLetterHeaders.topic(d.headers())).contains(run.events);
        ConsumerRecord<byte[], byte[]> origin = inputByCoordinates.get(
            DeadLetterHeaders.partition(d.headers()).orElseThrow() + "@"
                + DeadLetterHeaders.offset(d.headers()).orElseThrow());
        assertThat(origin).isNotNull();
        assertThat(origin.value()).isEqualTo(d.value());
        assertThat(origin.key()).isEqualTo(d.key());
        seen.put(value, reason);
      }
      assertThat(seen).isEqualTo(invalid);

      // And: the counters agree
      Map<RejectionReason, Long> expectedCounts = new HashMap<>();
      invalid.values().forEach(r -> expectedCounts.merge(r, 1L, Long::sum));
      for (Map.Entry<RejectionReason, Long> e : expectedCounts.entrySet()) {
        assertThat(meters.counter(TandemMeters.EVENTS_INVALID, TandemMeters.TAG_REASON,
            e.getKey().code()).count()).as(e.getKey().code())
            .isEqualTo(e.getValue().doubleValue());
      }
      double consumed = meters.find(TandemMeters.EVENTS_CONSUMED).counters().stream()
          .mapToDouble(Counter::count).sum();
      assertThat(consumed).isEqualTo(validIds.size());
      assertThat(SharedKafka.consumeAll(run.predictions)).hasSize(validIds.size());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
