package io.tandem.tests.faults;

import io.tandem.streams.io.TopicSetup;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Blocking client helpers for a test's own broker (the shared broker has
 * {@link io.tandem.tests.support.SharedKafka}): topic creation and producing, with caller-given
 * client properties (so a SASL listener can be used).
 */
final class Clients {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Clients() {}

  /** Client properties with {@code bootstrap.servers} set. */
  static Properties properties(String bootstrapServers) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /** Creates the topics that are missing (replication factor 1) and waits for their leaders. */
  static void createTopics(Properties client, int partitions, List<String> topics) {
    try (Admin admin = Admin.create(client)) {
      TopicSetup.createMissing(admin, topics, partitions, (short) 1, TIMEOUT);
    }
  }

  /** Sends the records in order (acks=all, idempotent) and waits until all are acknowledged. */
  static void produce(Properties client, String topic, List<ProducerRecord<String, byte[]>> records) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
        new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(new ProducerRecord<>(topic, r.key(), r.value()));
      }
      producer.flush();
    }
  }
}
