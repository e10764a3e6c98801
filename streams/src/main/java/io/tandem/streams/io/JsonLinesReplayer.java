package io.tandem.streams.io;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces every line of a JSON-lines file to a topic: value = the line's bytes untouched, key =
 * its top-level {@code user} field ({@link RecordKeys#userOf(byte[])}), in file order.
 *
 * <p>The producer is tuned for throughput on one machine (linger 20 ms, 256 KiB batches,
 * idempotent, acks=all); caller-supplied properties win. The first failed send stops the replay
 * with an exception naming the topic and the line number.
 *
 * <p>Not thread-safe; one replay per instance call.
 */
public final class JsonLinesReplayer {

  /**
   * The outcome of a replay.
   *
   * @param records lines produced and acknowledged
   * @param bytes   value bytes produced
   * @param elapsed wall-clock time from the first send to the last acknowledgement
   */
  public record Result(long records, long bytes, Duration elapsed) {

    /** Acknowledged records per second over {@link #elapsed()}. */
    public double recordsPerSecond() {
      return records / Math.max(elapsed.toNanos() / 1e9, 1e-9);
    }
  }

  private JsonLinesReplayer() {}

  /**
   * Replays {@code file} into {@code topic}.
   *
   * @param file            a JSON-lines file
   * @param topic           destination topic (must exist, or the broker must auto-create it)
   * @param clientProps     Kafka producer properties; must contain {@code bootstrap.servers}
   * @param onAcknowledged  called (from the producer's I/O thread) with the running count of
   * acknowledged records
   * @return counts and time
   * @throws IOException           if the file cannot be read
   * @throws IllegalStateException if Kafka rejects a record (message names topic and line)
   */
  public static Result replay(Path file, String topic, Properties clientProps, LongConsumer onAcknowledged)
      throws IOException {
    Objects.requireNonNull(topic, "topic");
    Properties props = new Properties();
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putAll(clientProps);
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<String> failure = new AtomicReference<>();
    long bytes = 0;
    long line = 0;
    long start = System.nanoTime();
    try (JsonLinesReader reader = new JsonLinesReader(file);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      byte[] value;
      while ((value = reader.next()) != null && failure.get() == null) {
        line++;
        long lineNumber = line;
        bytes += value.length;
        producer.send(new ProducerRecord<>(topic, RecordKeys.userOf(value), value), (metadata, error) -> {
          if (error != null) {
            failure.compareAndSet(null, "record from line " + lineNumber + " of " + file + " was not written to "
                + topic + ": " + error.getMessage());
          } else {
            onAcknowledged.accept(acknowledged.incrementAndGet());
          }
        });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
    return new Result(acknowledged.get(), bytes, Duration.ofNanos(System.nanoTime() - start));
  }
}
