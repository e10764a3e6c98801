package io.tandem.tests.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Tails a predictions topic from the beginning with a {@code read_committed} consumer on a
 * background thread and keeps every event prediction it sees: partition, offset, event id and
 * model version. Tests ask it how many arrived, which ids are missing or repeated, and whether any
 * partition's model version went backwards (in offset order).
 *
 * <p>Thread-safety: the query methods may be called from any thread while the tail runs.
 */
final class PredictionLedger implements AutoCloseable {

  /** One event prediction as read. */
  record Entry(int partition, long offset, String id, long modelVersion) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<String, String> consumer;
  private final List<Entry> entries = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  private PredictionLedger(KafkaConsumer<String, String> consumer, String topic) {
    this.consumer = consumer;
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " has no partitions");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.thread = new Thread(this::tail, "prediction-ledger-" + topic);
    this.thread.setDaemon(true);
  }

  /** Starts tailing {@code topic} on the broker at {@code bootstrapServers}. */
  static PredictionLedger tail(String bootstrapServers, String topic, Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(extra);
    PredictionLedger ledger = new PredictionLedger(
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer()), topic);
    ledger.thread.start();
    return ledger;
  }

  private void tail() {
    try {
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
          JsonNode node = JSON.readTree(r.value());
          if ("event".equals(node.path("source").asText())) {
            synchronized (entries) {
              entries.add(new Entry(r.partition(), r.offset(), node.get("id").asText(),
                  node.get("model_version").asLong()));
            }
          }
        }
      }
    } catch (WakeupException e) {
      // close() ends the tail.
    } catch (IOException e) {
      failure = new UncheckedIOException("unreadable prediction", e);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close();
    }
  }

  /** Event predictions seen so far (duplicates included). */
  int size() {
    rethrow();
    synchronized (entries) {
      return entries.size();
    }
  }

  /** A copy of everything seen so far, in arrival order. */
  List<Entry> entries() {
    rethrow();
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** How many predictions each event id has. */
  Map<String, Integer> countsById() {
    Map<String, Integer> counts = new HashMap<>();
    for (Entry e : entries()) {
      counts.merge(e.id(), 1, Integer::sum);
    }
    return counts;
  }

  /** Predictions beyond the first of their event id. */
  int duplicates() {
    return entries().size() - countsById().size();
  }

  /**
   * The places where a partition's model version is lower than the one before it in offset
   * order, as readable strings (empty when versions never go backwards).
   */
  List<String> versionRegressions() {
    Map<Integer, Entry> last = new HashMap<>();
    List<String> out = new ArrayList<>();
    List<Entry> sorted = new ArrayList<>(entries());
    sorted.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
        : Long.compare(a.offset(), b.offset()));
    for (Entry e : sorted) {
      Entry before = last.put(e.partition(), e);
      if (before != null && e.modelVersion() < before.modelVersion()) {
        out.add("partition " + e.partition() + " offset " + e.offset() + ": version "
            + e.modelVersion() + " after " + before.modelVersion() + " at offset " + before.offset());
      }
    }
    return out;
  }

  /** The highest model version seen in each partition. */
  Map<Integer, Long> maxVersionByPartition() {
    Map<Integer, Long> max = new HashMap<>();
    for (Entry e : entries()) {
      max.merge(e.partition(), e.modelVersion(), Math::max);
    }
    return max;
  }

  /**
   * Waits until at least {@code count} event predictions have been seen.
   *
   * @param what     named in the failure message
   * @param context  extra text for the failure message (e.g. the child's log tail), computed lazily
   */
  void awaitAtLeast(int count, Duration timeout, String what, Supplier<String> context)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + timeout + " for " + count + " predictions (" + what
            + ") but saw " + size() + "\n" + context.get());
      }
      Thread.sleep(20);
    }
  }

  /** Waits until the number of distinct predicted ids reaches {@code count}. */
  void awaitDistinct(int count, Duration timeout, String what, Supplier<String> context)
      throws InterruptedException {
    IntSupplier distinct = () -> countsById().size();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (distinct.getAsInt() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + timeout + " for " + count + " distinct predicted events ("
            + what + ") but saw " + distinct.getAsInt() + "\n" + context.get());
      }
      Thread.sleep(50);
    }
  }

  private void rethrow() {
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops the tail and closes its consumer (waits up to 10 s for the tail thread). */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
