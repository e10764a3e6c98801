package io.tandem.streams.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

  private static Properties tandemKafkaProperties() {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", "k1:9092");
    p.setProperty("security.protocol", "SASL_SSL");
    p.setProperty("sasl.mechanism", "PLAIN");
    p.setProperty("application.id", "tandem");
    p.setProperty("processing.guarantee", "exactly_once_v2");
    p.setProperty("producer.linger.ms", "5");
    p.setProperty("admin.retries", "3");
    return p;
  }

  @Test
  void shouldKeepConnectionAndSecurityKeysAndDropStreamsKeysForAdmin() {
    Properties admin = KafkaClients.admin(tandemKafkaProperties(), Duration.ofSeconds(7));

    assertThat(admin).containsEntry("bootstrap.servers", "k1:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("retries", "3")
        .containsEntry("request.timeout.ms", 7000)
        .containsEntry("default.api.timeout.ms", 7000)
        .doesNotContainKeys("application.id", "processing.guarantee", "producer.linger.ms", "linger.ms");
  }

  @Test
  void shouldApplyProducerPrefixedOverridesForProducers() {
    Properties producer = KafkaClients.producer(tandemKafkaProperties());

    assertThat(producer).containsEntry("linger.ms", "5").containsEntry("bootstrap.servers", "k1:9092")
        .doesNotContainKeys("application.id", "admin.retries", "retries");
  }
}
