package io.tandem.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.schemas.DeadLetterHeaders;
import io.tandem.schemas.Rejection;
import io.tandem.schemas.RejectionReason;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, bad input: {@value #INVALID} seeded random and malformed records (truncated JSON,
 * wrong types, strings beyond {@code max.record.bytes}, deep nesting, invalid UTF-8,
 * NaN/Infinity labels, unknown tasks, labels out of range, tombstones, empty records, binary
 * garbage, non-object JSON) interleaved at random with {@value #VALID} valid events, through the
 * running app on a real broker (at_least_once).
 *
 * <p>Each fuzzed record carries a {@value #SEQ_HEADER} header; the dead-letter processor keeps the
 * input's headers, so every dead letter is matched to the record it came from. Proven: every
 * invalid record is dead-lettered once, bytes untouched, with a reason and a message (and the
 * expected reason where the fault determines it); every valid event is predicted and trained
 * ({@code tandem.events.trained}); Kafka Streams stays RUNNING with the same stream threads
 * (none died and was replaced); and the used heap after a full GC grows by at most
 * {@value #HEAP_GROWTH_BOUND_MB} MiB from before the input to after it (the record cache is
 * capped at {@value #CACHE_MB} MiB for this test; the broker shares the JVM).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadInputFuzzIT {

  private static final long SEED = 20_261_129L;
  private static final int VALID = 10_000;
  private static final int INVALID = 10_000;
  private static final int MAX_RECORD_BYTES = 65_536;
  private static final int CACHE_MB = 16;
  private static final long HEAP_GROWTH_BOUND_MB = 64;
  private static final String SEQ_HEADER = "fuzz-seq";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** The kinds of bad input; each record gets one at random. */
  private enum Fault {
    TRUNCATED_JSON, WRONG_TYPE, HUGE_STRING, LONG_FIELD, DEEP_NESTING, INVALID_UTF8, NON_FINITE_LABEL,
    UNKNOWN_TASK, LABEL_OUT_OF_RANGE, TOMBSTONE, EMPTY, BINARY_GARBAGE, NOT_AN_OBJECT, MISSING_FIELD
  }

  /** A fuzzed record: its fault, value (null = tombstone) and the reason it must get, if fixed. */
  private record Bad(Fault fault, byte[] value, RejectionReason expected) {}

  @TempDir
  Path stateDir;

  @Test
  void shouldDeadLetterEveryInvalidRecordAndPredictAndTrainEveryValidOneWithoutThreadDeaths()
      throws Exception {
    // Given: 20,000 interleaved records, half of them fuzzed
    SplittableRandom random = new SplittableRandom(SEED);
    TandemRun run = new TandemRun("fuzz", 2).createTopics();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(VALID + INVALID);
    Map<Integer, Bad> bad = new HashMap<>();
    Set<String> validIds = new HashSet<>();
    int valid = 0;
    int invalid = 0;
    while (valid < VALID || invalid < INVALID) {
      boolean takeValid = invalid == INVALID || (valid < VALID && random.nextBoolean());
      if (takeValid) {
        String task = random.nextInt(4) == 0 ? "preference" : "ctr";
        records.add(new ProducerRecord<>(run.events, null, bytes(TandemRun.user(valid)),
            bytes(TandemRun.event(valid, task))));
        validIds.add("e-" + valid);
        valid++;
      } else {
        Bad b = fuzz(random, invalid);
        RecordHeaders headers = new RecordHeaders();
        headers.add(SEQ_HEADER, ByteBuffer.allocate(Integer.BYTES).putInt(invalid).array());
        byte[] key = random.nextInt(5) == 0 ? null : bytes("u" + random.nextInt(50));
        records.add(new ProducerRecord<>(run.events, null, null, key, b.value(), headers));
        bad.put(invalid, b);
        invalid++;
      }
    }
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    try (TandemApp app = TandemRun.start(run.config(stateDir, Map.of(
        "max.record.bytes", String.valueOf(MAX_RECORD_BYTES),
        "statestore.cache.max.bytes", String.valueOf(CACHE_MB * 1024L * 1024L))), meters)) {
      Set<String> threadsBefore = threadNames(app);
      long heapBefore = usedHeapAfterGc(memory);
      StateSampler sampler = StateSampler.start(app);

      // When
      SharedKafka.produceRaw(run.events, records);

      // Then: every valid event predicted (at least once) and trained
      int predictions = checkPredictions(run, validIds);
      awaitTrained(meters, VALID);
      assertThat(sum(meters, TandemMeters.EVENTS_TRAINED)).as("events trained").isEqualTo(VALID);
      // And: every invalid record dead-lettered once, untouched, with a reason and a message
      Map<RejectionReason, Integer> byReason = checkDeadLetters(run, bad);
      assertThat(sum(meters, TandemMeters.EVENTS_INVALID)).isEqualTo(INVALID);

      // And: no stream thread died, the instance never left RUNNING
      List<KafkaStreams.State> states = sampler.stop();
      assertThat(states).as("states sampled while the input ran").containsOnly(KafkaStreams.State.RUNNING);
      assertThat(threadNames(app)).as("stream threads (a replaced thread gets a new name)")
          .isEqualTo(threadsBefore);

      // And: the heap is stable (measured once the consumed records are unreachable again)
      long heapAfter = usedHeapAfterGc(memory);
      long growthMb = (heapAfter - heapBefore) / (1024 * 1024);
      Map<Fault, Long> faults = new TreeMap<>(bad.values().stream()
          .collect(Collectors.groupingBy(Bad::fault, Collectors.counting())));
      System.out.printf("BadInputFuzzIT: %d valid predicted %d times and trained, %d invalid"
              + " dead-lettered; faults %s; reasons %s; used heap after GC %d MiB -> %d MiB"
              + " (growth %d MiB, bound %d MiB)%n", VALID, predictions, INVALID, faults,
          byReason, heapBefore >> 20, heapAfter >> 20, growthMb, HEAP_GROWTH_BOUND_MB);
      assertThat(growthMb).as("used heap growth after GC (MiB)").isLessThanOrEqualTo(HEAP_GROWTH_BOUND_MB);
    }
  }

  /** Reads the predictions; asserts one per valid id at least; returns how many were read. */
  private static int checkPredictions(TandemRun run, Set<String> validIds) {
    List<ConsumerRecord<String, String>> predictions = SharedKafka.consume(run.predictions, VALID, WAIT);
    Set<String> predicted = predictions.stream().map(p -> TandemRun.field(p.value(), "id"))
        .collect(Collectors.toSet());
    assertThat(predicted).as("predicted ids").isEqualTo(validIds);
    return SharedKafka.consumeAll(run.predictions).size();
  }

  /**
   * Reads the dead letters; asserts one per fuzzed record, bytes untouched, reason and message
   * present, and the expected reason where the fault fixes it. Returns the count per reason.
   */
  private static Map<RejectionReason, Integer> checkDeadLetters(TandemRun run, Map<Integer, Bad> bad) {
    List<ConsumerRecord<byte[], byte[]>> dead = SharedKafka.consumeRaw(run.deadLetter, INVALID, WAIT);
    Map<Integer, Integer> seen = new HashMap<>();
    Map<RejectionReason, Integer> byReason = new EnumMap<>(RejectionReason.class);
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      Header seqHeader = d.headers().lastHeader(SEQ_HEADER);
      assertThat(seqHeader).as("dead letter without the fuzz header: %s", preview(d.value()))
          .isNotNull();
      int seq = ByteBuffer.wrap(seqHeader.value()).getInt();
      Bad origin = bad.get(seq);
      seen.merge(seq, 1, Integer::sum);
      assertThat(d.value()).as("bytes of fuzzed record %d (%s)", seq, origin.fault())
          .isEqualTo(origin.value());
      Rejection rejection = DeadLetterHeaders.rejection(d.headers());
      assertThat(rejection.message()).as("reason message of %d", seq).isNotBlank();
      if (origin.expected() != null) {
        assertThat(rejection.reason()).as("reason of fuzzed record %d (%s): %s", seq, origin.fault(),
            rejection.message()).isEqualTo(origin.expected());
      }
      byReason.merge(rejection.reason(), 1, Integer::sum);
    }
    assertThat(seen).as("dead letters per fuzzed record").hasSize(INVALID)
        .allSatisfy((seq, count) -> assertThat(count).as("dead letters of %d", seq).isOne());
    assertThat(SharedKafka.consumeAll(run.deadLetter)).as("dead letters in total").hasSize(INVALID);
    return byReason;
  }

  /** One fuzzed record of a random kind. */
  private static Bad fuzz(SplittableRandom random, int n) {
    Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
    String event = TandemRun.event(1_000_000 + n, "ctr");
    return switch (fault) {
      case TRUNCATED_JSON -> new Bad(fault,
          bytes(event.substring(0, 1 + random.nextInt(event.length() - 1))),
          RejectionReason.MALFORMED_JSON);
      case WRONG_TYPE -> new Bad(fault, bytes(wrongType(random, event)), null);
      case HUGE_STRING -> new Bad(fault, bytes(event.replace("\"item\":\"",
          "\"item\":\"" + "x".repeat(MAX_RECORD_BYTES + random.nextInt(10_000)))),
          RejectionReason.TOO_LARGE);
      case LONG_FIELD -> new Bad(fault, bytes(event.replace("\"user\":\"",
          "\"user\":\"" + "y".repeat(300 + random.nextInt(5_000)))), RejectionReason.SCHEMA_VIOLATION);
      case DEEP_NESTING -> new Bad(fault, bytes(nested(event, 10 + random.nextInt(3_000))), null);
      case INVALID_UTF8 -> new Bad(fault, invalidUtf8(random, event), RejectionReason.NOT_UTF8);
      case NON_FINITE_LABEL -> new Bad(fault, bytes(event.replaceFirst("\"label\":\\d+",
          "\"label\":" + pick(random, "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "\"NaN\""))),
          null);
      case UNKNOWN_TASK -> new Bad(fault, bytes(event.replace("\"task\":\"ctr\"",
          "\"task\":\"t" + random.nextInt(1_000_000) + "\"")), RejectionReason.UNKNOWN_TASK);
      case LABEL_OUT_OF_RANGE -> new Bad(fault, bytes(event.replaceFirst("\"label\":\\d+",
          "\"label\":" + pick(random, "0.5", "2", "-1", "7"))), RejectionReason.LABEL_OUT_OF_RANGE);
      case TOMBSTONE -> new Bad(fault, null, RejectionReason.MALFORMED_JSON);
      case EMPTY -> new Bad(fault, bytes(pick(random, "", " ", "\n", "\t \r\n")),
          RejectionReason.MALFORMED_JSON);
      case BINARY_GARBAGE -> {
        byte[] garbage = new byte[1 + random.nextInt(300)];
        random.nextBytes(garbage);
        yield new Bad(fault, garbage, null);
      }
      case NOT_AN_OBJECT -> new Bad(fault, bytes(pick(random, "null", "[]", "42", "\"event\"", "true",
          "[" + event + "]")), RejectionReason.SCHEMA_VIOLATION);
      case MISSING_FIELD -> new Bad(fault, bytes(event.replaceFirst(
          pick(random, "\"id\":\"[^\"]*\",", "\"user\":\"[^\"]*\",", "\"ts\":\\d+,", "\"label\":\\d+,"), "")),
          RejectionReason.SCHEMA_VIOLATION);
    };
  }

  private static String wrongType(SplittableRandom random, String event) {
    return switch (random.nextInt(7)) {
      case 0 -> event.replaceFirst("\"label\":(\\d+)", "\"label\":\"$1\"");
      case 1 -> event.replaceFirst("\"ts\":\\d+", "\"ts\":\"yesterday\"");
      case 2 -> event.replaceFirst("\"ts\":\\d+", "\"ts\":-" + (1 + random.nextInt(1000)));
      case 3 -> event.replaceFirst("\"ts\":(\\d+)", "\"ts\":$1.5");
      case 4 -> event.replaceFirst("\"user\":\"[^\"]*\"", "\"user\":" + random.nextInt(1000));
      case 5 -> event.replaceFirst("\"item\":\"[^\"]*\"", "\"item\":null");
      default -> event.replace("\"device\":\"", "\"device\":[\"");
    };
  }

  private static String nested(String event, int depth) {
    String open = "{\"a\":".repeat(depth);
    String close = "}".repeat(depth);
    return event.replaceFirst("\"context\":\\{", "\"context\":{\"deep\":" + open + "1" + close + ",");
  }

  private static byte[] invalidUtf8(SplittableRandom random, String event) {
    byte[][] sequences = {{(byte) 0xff}, {(byte) 0xc3, 'a'}, {(byte) 0x80}, {(byte) 0xc0, (byte) 0xaf},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80}};
    byte[] bad = sequences[random.nextInt(sequences.length)];
    byte[] utf8 = bytes(event);
    int at = event.indexOf("\"item\":\"") + "\"item\":\"".length();
    byte[] out = new byte[utf8.length + bad.length];
    System.arraycopy(utf8, 0, out, 0, at);
    System.arraycopy(bad, 0, out, at, bad.length);
    System.arraycopy(utf8, at, out, at + bad.length, utf8.length - at);
    return out;
  }

  private static String pick(SplittableRandom random, String... options) {
    return options[random.nextInt(options.length)];
  }

  private static void awaitTrained(SimpleMeterRegistry meters, int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (sum(meters, TandemMeters.EVENTS_TRAINED) < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static double sum(SimpleMeterRegistry meters, String counter) {
    return meters.find(counter).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static Set<String> threadNames(TandemApp app) {
    return app.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadName)
        .collect(Collectors.toSet());
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static String preview(byte[] value) {
    if (value == null) {
      return "(null)";
    }
    String s = new String(value, StandardCharsets.ISO_8859_1);
    return s.substring(0, Math.min(80, s.length()));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Samples the Kafka Streams state every few milliseconds on a daemon thread. */
  private static final class StateSampler {
    private final TandemApp app;
    private final List<KafkaStreams.State> states = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private StateSampler(TandemApp app) {
      this.app = app;
      this.thread = new Thread(this::sample, "fuzz-state-sampler");
      this.thread.setDaemon(true);
    }

    static StateSampler start(TandemApp app) {
      StateSampler s = new StateSampler(app);
      s.thread.start();
      return s;
    }

    private void sample() {
      while (running) {
        synchronized (states) {
          states.add(app.state());
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    List<KafkaStreams.State> stop() throws InterruptedException {
      running = false;
      thread.join(5_000);
      synchronized (states) {
        return List.copyOf(states);
      }
    }
  }
}
