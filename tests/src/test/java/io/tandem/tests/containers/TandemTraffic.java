package io.tandem.tests.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.tests.support.DriftingStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records in and out of a broker for the container suites: a seeded stream of labelled events in the wire format
 * of {@code tandem.events}, and a reader of JSON records (predictions, dead letters).
 *
 * <p>Thread-safety: stateless; each call opens and closes its own client.
 */
final class TandemTraffic {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FIRST_TS = 1_764_300_000_000L;

  /** One labelled event: its id, user (the record key) and JSON value. */
  record Event(String id, String user, String json) {}

  private TandemTraffic() {
  }

  /**
   * {@code count} labelled events over 40 users and 100 items, alternating tasks {@code ctr} (label 0 or 1) and
   * {@code preference} (label 1..5), ids {@code prefix-0 .. prefix-(count-1)}, one millisecond apart; the same
   * seed gives the same events.
   */
  static List<Event> labelledEvents(String prefix, int count, long seed) {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      String user = "u" + random.nextInt(40);
      String item = "i" + random.nextInt(100);
      String device = random.nextBoolean() ? "mobile" : "desktop";
      String taskAndLabel = i % 2 == 0
          ? "\"task\":\"ctr\",\"label\":" + (random.nextDouble() < 0.2 ? 1 : 0)
          : "\"task\":\"preference\",\"label\":" + (1 + random.nextInt(5));
      String json = String.format(Locale.ROOT,
          "{\"id\":\"%s\",%s,\"user\":\"%s\",\"item\":\"%s\",\"ts\":%d,\"context\":{\"device\":\"%s\"}}",
          id, taskAndLabel, user, item, FIRST_TS + i, device);
      events.add(new Event(id, user, json));
    }
    return events;
  }

  /**
   * The events of {@link DriftingStream} (its click task drifts at {@link DriftingStream#DRIFT_AT}),
   * in stream order.
   */
  static List<Event> driftingEvents() {
    GeneratorConfig config = DriftingStream.config();
    List<Event> events = new ArrayList<>();
    StreamGenerator generator = new StreamGenerator(config);
    while (generator.hasNext()) {
      GeneratedEvent e = generator.next();
      events.add(new Event(e.id(), e.user(),
          new String(GeneratedEventJson.event(e), StandardCharsets.UTF_8)));
    }
    return events;
  }

  /** Produces {@code events} (key = user, value = JSON) to {@code topic} and waits until the broker has acknowledged all. */
  static void produce(String bootstrapServers, String topic, List<Event> events) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      List<Future<?>> acks = new ArrayList<>(events.size());
      for (Event e : events) {
        acks.add(producer.send(new ProducerRecord<>(topic, e.user(), e.json())));
      }
      for (Future<?> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("producing to " + topic + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing to " + topic, e);
    }
  }

  /**
   * Reads {@code topic} from the beginning (committed records only) until {@code expected} records arrived and then
   * for {@code quiet} more, so that records beyond the expected count (duplicates) are seen too; or until
   * {@code timeout}.
   *
   * @return every record read, values parsed as JSON
   */
  static List<JsonNode> readJson(String bootstrapServers, String topic, int expected, Duration quiet,
      Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "containers-it-" + topic + "-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<JsonNode> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    long quietUntil = Long.MAX_VALUE;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(Set.of(topic));
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(parse(r.value()));
        }
        if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + quiet.toNanos();
        }
      }
    }
    return out;
  }

  private static JsonNode parse(String value) {
    try {
      return JSON.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + value, e);
    }
  }
}
