package io.tandem.tests.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The configured Kafka image ({@link ContainerImages#kafka()}) works as {@code KafkaContainer}'s broker: it starts
 * through Testcontainers' starter script, turns {@code KAFKA_*} variables into broker settings, and serves clients
 * on the mapped port. With the default {@code apache/kafka} image this checks nothing of ours beyond the wiring; with
 * {@code local/kafka} (CI) it checks docker/kafka/run.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaContainerImageIT {

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
  private static final int RECORDS = 1_000;

  @Container
  private static final KafkaContainer KAFKA = ContainerImages.kafkaContainer()
      .withEnv("KAFKA_LOG_RETENTION_HOURS", "42")
      .withEnv("KAFKA_NUM_PARTITIONS", "3");

  @Test
  void shouldMapKafkaEnvironmentVariablesToBrokerSettings() throws Exception {
    // Given a broker started with KAFKA_LOG_RETENTION_HOURS=42 and KAFKA_NUM_PARTITIONS=3
    try (Admin admin = Admin.create(clientProperties())) {
      // When its effective configuration is read back
      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
      Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);

      // Then both variables became the dotted settings
      assertThat(config.get("log.retention.hours").value()).isEqualTo("42");
      assertThat(config.get("num.partitions").value()).isEqualTo("3");
    }
  }

  @Test
  void shouldDeliverEveryProducedRecordInOrderPerPartition() throws Exception {
    // Given a topic with 3 partitions
    String topic = "round-trip";
    try (Admin admin = Admin.create(clientProperties())) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    // When 1,000 records over 10 keys are produced through the mapped port
    Properties producerProps = clientProperties();
    producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + (i % 10), Integer.toString(i)));
      }
      producer.flush();
    }

    // Then a consumer reads all of them back, and each key's values arrive in production order
    List<ConsumerRecord<String, String>> received = consumeAtLeast(topic, RECORDS);
    assertThat(received).hasSize(RECORDS);
    Map<String, List<Integer>> byKey = new TreeMap<>();
    for (ConsumerRecord<String, String> r : received) {
      byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Integer.parseInt(r.value()));
    }
    assertThat(byKey).hasSize(10);
    byKey.values().forEach(values -> assertThat(values).hasSize(RECORDS / 10).isSorted());
    assertThat(received.stream().map(ConsumerRecord::partition).distinct()).hasSizeGreaterThan(1);
  }

  private static List<ConsumerRecord<String, String>> consumeAtLeast(String topic, int count) {
    Properties props = clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "round-trip-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(Set.of(topic));
      while (out.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
    return props;
  }
}
