package io.tandem.tests.support;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.tandem.streams.broker.BrokerSettings;
import io.tandem.streams.broker.EmbeddedBroker;
import io.tandem.streams.io.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One real Kafka broker ({@link EmbeddedBroker}: KRaft, 127.0.0.1, free ports, temporary data
 * directory) shared by every integration test in the JVM, plus small blocking helpers around it.
 *
 * <p>The broker starts on first use (~4-5 s) and stops in a JVM shutdown hook. Tests share it, so
 * each test should use its own topic names ({@link #uniqueTopic(String)}) and its own
 * application/group ids.
 *
 * <p>Thread-safety: all methods are safe to call from several threads; each helper opens and closes
 * its own client.
 */
public final class SharedKafka {

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  /** System property naming an already running broker to use instead of the embedded one. */
  public static final String EXTERNAL_BROKER = "tandem.test.bootstrap.servers";

  private static EmbeddedBroker broker;

  private SharedKafka() {
  }

  /** The shared broker, started on first call. */
  public static synchronized EmbeddedBroker broker() {
    if (broker == null) {
      EmbeddedBroker started = EmbeddedBroker.start(BrokerSettings.ephemeral());
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-kafka-shutdown"));
      broker = started;
    }
    return broker;
  }

  /**
   * The {@code bootstrap.servers} value of the shared broker, e.g. {@code 127.0.0.1:40123}; or,
   * when the system property {@value #EXTERNAL_BROKER} is set, its value, and no embedded broker
   * is started (benchmarks point it at a broker in its own process, e.g. {@code tandem broker},
   * so that the broker's allocation and GC pauses are not charged to the JVM under measurement).
   */
  public static String bootstrapServers() {
    String external = System.getProperty(EXTERNAL_BROKER, "");
    return external.isBlank() ? broker().bootstrapServers() : external;
  }

  /** A topic name unique in this JVM: {@code prefix + "-" + random suffix}. */
  public static String uniqueTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Client properties with only {@code bootstrap.servers} set; add serializers etc. as needed. */
  public static Properties clientProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return p;
  }

  /** A new admin client for the shared broker; the caller closes it. */
  public static Admin admin() {
    return Admin.create(clientProperties());
  }

  /**
   * Creates topics (replication factor 1) and waits until every partition has a leader that accepts
   * writes; topics that already exist are left as they are.
   *
   * @param partitions partitions per topic, at least 1
   * @param topics     names
   */
  public static void createTopics(int partitions, String... topics) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: must be at least 1, got " + partitions);
    }
    try (Admin admin = admin()) {
      TopicSetup.createMissing(admin, List.of(topics), partitions, (short) 1, CLIENT_TIMEOUT);
    }
  }

  /**
   * Produces string records in order and waits until all are acknowledged.
   *
   * @param topic   destination
   * @param records key/value pairs in send order (a null key is allowed)
   */
  public static void produce(String topic, List<Map.Entry<String, String>> records) {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(),
        new StringSerializer(), new StringSerializer())) {
      for (Map.Entry<String, String> r : records) {
        producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()));
      }
      producer.flush();
    }
  }

  /**
   * Produces lines (e.g. JSON objects) in order with keys computed from each line, and waits for
   * all acks.
   *
   * @param topic destination
   * @param lines record values
   * @param keyOf the key of each line (e.g. its {@code user} field); may return null
   */
  public static void produceLines(String topic, List<String> lines, Function<String, String> keyOf) {
    List<Map.Entry<String, String>> records = new ArrayList<>(lines.size());
    for (String line : lines) {
      records.add(new AbstractMap.SimpleImmutableEntry<>(keyOf.apply(line), line));
    }
    produce(topic, records);
  }

  /**
   * Produces raw byte records (for malformed or non-UTF-8 input) in order and waits for all acks.
   *
   * @param topic   destination
   * @param records raw records; topic in the records is ignored in favour of {@code topic}
   */
  public static void produceRaw(String topic, List<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value(), r.headers()));
      }
      producer.flush();
    }
  }

  /**
   * Reads a topic from the beginning of every partition until {@code count} records have arrived.
   *
   * @param topic   source
   * @param count   how many records to wait for
   * @param timeout how long to wait in total
   * @return exactly the first {@code count} records read (per-partition order kept)
   * @throws AssertionError if fewer arrive in time (the message says how many did)
   */
  public static List<ConsumerRecord<String, String>> consume(String topic, int count, Duration timeout) {
    return consumeWith(topic, count, timeout, new StringDeserializer(), new StringDeserializer());
  }

  /** Like {@link #consume} but with raw bytes, for dead-letter records whose bytes must be
   * untouched. */
  public static List<ConsumerRecord<byte[], byte[]>> consumeRaw(String topic, int count, Duration timeout) {
    return consumeWith(topic, count, timeout, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Reads everything in a topic as of now (up to the current end offsets) from the beginning.
   *
   * @param topic source
   * @return all records present when the call started
   */
  public static List<ConsumerRecord<String, String>> consumeAll(String topic) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties(),
        new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = assignAll(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, CLIENT_TIMEOUT);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
      while (out.size() < total && System.nanoTime() < deadline) {
        consumer.poll(POLL_INTERVAL).forEach(out::add);
      }
      return out;
    }
  }

  private static <K, V> List<ConsumerRecord<K, V>> consumeWith(String topic, int count, Duration timeout,
      Deserializer<K> keys, Deserializer<V> values) {
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(consumerProperties(), keys, values)) {
      assignAll(consumer, topic);
      List<ConsumerRecord<K, V>> out = new ArrayList<>(count);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        consumer.poll(POLL_INTERVAL).forEach(out::add);
      }
      if (out.size() < count) {
        throw new AssertionError("expected " + count + " records in topic " + topic + " within " + timeout
            + " but read " + out.size());
      }
      return List.copyOf(out.subList(0, count));
    }
  }

  private static List<TopicPartition> assignAll(KafkaConsumer<?, ?> consumer, String topic) {
    long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
    List<TopicPartition> partitions = List.of();
    while (partitions.isEmpty() && System.nanoTime() < deadline) {
      partitions = consumer.partitionsFor(topic, CLIENT_TIMEOUT).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition()))
          .collect(Collectors.toList());
    }
    if (partitions.isEmpty()) {
      throw new AssertionError("topic " + topic + " has no partitions (does it exist?)");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  private static Properties producerProperties() {
    Properties p = clientProperties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return p;
  }

  private static Properties consumerProperties() {
    Properties p = clientProperties();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    return p;
  }

  /** Names of all topics on the shared broker (internal ones excluded). */
  public static Set<String> topicNames() {
    try (Admin admin = admin()) {
      return admin.listTopics().names().get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list topics", e);
    }
  }

  /** Convenience for {@link #createTopics(int, String...)} with a collection. */
  public static void createTopics(int partitions, Collection<String> topics) {
    createTopics(partitions, topics.toArray(String[]::new));
  }
}
