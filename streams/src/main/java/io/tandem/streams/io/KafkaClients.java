package io.tandem.streams.io;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Derives plain Kafka client settings (admin, producer) from Tandem's Kafka properties, which mix
 * Streams keys, client keys and {@code admin.}/{@code producer.} prefixed keys. Only keys the
 * client defines are kept, so clients do not log "supplied but not used" warnings; connection and
 * security keys ({@code bootstrap.servers}, {@code security.protocol}, {@code sasl.*}, {@code
 * ssl.*}) carry over. Thread-safe (stateless).
 */
public final class KafkaClients {

  private KafkaClients() {}

  /**
   * Admin client properties: the admin-defined keys of {@code kafka}, then {@code admin.}-prefixed
   * overrides, with request and API timeouts of {@code timeout}.
   */
  public static Properties admin(Properties kafka, Duration timeout) {
    Properties p = only(kafka, AdminClientConfig.configNames(), StreamsConfig.ADMIN_CLIENT_PREFIX);
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    return p;
  }

  /** Producer properties: the producer-defined keys of {@code kafka}, then {@code
   * producer.}-prefixed overrides. */
  public static Properties producer(Properties kafka) {
    return only(kafka, ProducerConfig.configNames(), StreamsConfig.PRODUCER_PREFIX);
  }

  private static Properties only(Properties kafka, Set<String> names, String prefix) {
    Properties p = new Properties();
    for (String key : kafka.stringPropertyNames()) {
      if (names.contains(key)) {
        p.setProperty(key, kafka.getProperty(key));
      }
    }
    for (String key : kafka.stringPropertyNames()) {
      if (key.startsWith(prefix) && names.contains(key.substring(prefix.length()))) {
        p.setProperty(key.substring(prefix.length()), kafka.getProperty(key));
      }
    }
    return p;
  }
}
