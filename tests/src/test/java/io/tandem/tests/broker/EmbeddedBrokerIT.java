package io.tandem.tests.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.tandem.streams.broker.BrokerSettings;
import io.tandem.streams.broker.BrokerStartException;
import io.tandem.streams.broker.EmbeddedBroker;
import io.tandem.tests.support.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedBrokerIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void shouldRoundTripRecordsThroughPlainKafkaClients() throws Exception {
    // Given a topic with two partitions on the shared broker
    String topic = SharedKafka.uniqueTopic("roundtrip");
    SharedKafka.createTopics(2, topic);

    // When a plain KafkaProducer sends three keyed records
    Properties props = SharedKafka.clientProperties();
    try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 3; i++) {
        RecordMetadata md = producer.send(new ProducerRecord<>(topic, "u" + i, "{\"n\":" + i + "}")).get();
        assertThat(md.topic()).isEqualTo(topic);
      }
    }

    // Then a consumer reads the same keys and values back
    List<ConsumerRecord<String, String>> read = SharedKafka.consume(topic, 3, WAIT);
    assertThat(read).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("u0", "u1", "u2");
    assertThat(read).extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrder("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
  }

  @Test
  void shouldKeepTopicsAndRecordsAcrossRestartWithSameDataDir(@TempDir Path dataDir) throws Exception {
    // Given a broker on its own data directory with one record written
    String topic = "survivor";
    try (EmbeddedBroker first = EmbeddedBroker.start(BrokerSettings.ephemeral().withDataDir(dataDir))) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          first.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      produceOne(first.bootstrapServers(), topic, "k", "kept");
    }

    // When a new broker starts on the same directory (on a different free port)
    try (EmbeddedBroker second = EmbeddedBroker.start(BrokerSettings.ephemeral().withDataDir(dataDir))) {
      // Then the topic and the record are still there
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          second.bootstrapServers()))) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
      }
      Properties consumer = new Properties();
      consumer.put("bootstrap.servers", second.bootstrapServers());
      consumer.put("auto.offset.reset", "earliest");
      consumer.put("group.id", "restart-check");
      try (var c = new KafkaConsumer<String, String>(consumer,
          new StringDeserializer(),
          new StringDeserializer())) {
        c.subscribe(List.of(topic));
        long deadline = System.nanoTime() + WAIT.toNanos();
        String value = null;
        while (value == null && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
            value = r.value();
          }
        }
        assertThat(value).isEqualTo("kept");
      }
    }
  }

  @Test
  void shouldNameThePortWhenItIsAlreadyTaken() throws IOException {
    // Given a port held by another socket
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();

      // When / Then starting a broker on it fails with a one-line message naming the port
      assertThatThrownBy(() -> EmbeddedBroker.start(BrokerSettings.ephemeral().withPort(port)))
          .isInstanceOf(BrokerStartException.class)
          .hasMessage("port " + port + " on 127.0.0.1 is already in use; pick another with --port, "
              + "or --port 0 for any free port");
    }
  }

  @Test
  void shouldRefuseASecondBrokerOnALockedDataDir(@TempDir Path dataDir) {
    // Given a running broker on a data directory
    try (EmbeddedBroker first = EmbeddedBroker.start(BrokerSettings.ephemeral().withDataDir(dataDir))) {
      // When / Then a second broker on the same directory is refused before Kafka code runs
      assertThatThrownBy(() -> EmbeddedBroker.start(BrokerSettings.ephemeral().withDataDir(dataDir)))
          .isInstanceOf(BrokerStartException.class)
          .hasMessageContaining("data directory " + dataDir.toAbsolutePath())
          .hasMessageContaining("is in use by another running broker");
      assertThat(first.bootstrapServers()).startsWith("127.0.0.1:");
    }
  }

  private static void produceOne(String bootstrap, String topic, String key, String value) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }
}
