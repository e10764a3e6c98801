package io.tandem.streams.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * The client options of a command that writes records to Kafka itself (generate, replay,
 * declare-task): {@code --bootstrap-servers} (default {@value #DEFAULT_BOOTSTRAP}) and any number
 * of {@code --producer-property KEY=VALUE}, e.g. security settings. Not thread-safe (picocli
 * fills it once per command line).
 */
final class ProducerOptions {

  /** Where a command writes unless told otherwise: the broker {@code tandem broker} starts. */
  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = DEFAULT_BOOTSTRAP,
      description = "Kafka to write to (default: ${DEFAULT-VALUE}).")
  private String bootstrapServers = DEFAULT_BOOTSTRAP;

  @Option(names = "--producer-property", paramLabel = "KEY=VALUE",
      description = "Extra Kafka client setting (e.g. security.protocol=SSL); repeatable.")
  private Map<String, String> producerProperties = new LinkedHashMap<>();

  /** The cluster's bootstrap servers, as given. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Client properties: {@code bootstrap.servers}, then {@code defaults} (tuning the command
   * chooses), then every {@code --producer-property}, which wins over both.
   *
   * @param defaults the command's own settings, overridable by the user; not null
   * @return a new, mutable set of properties
   */
  Properties clientProperties(Map<String, Object> defaults) {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.putAll(defaults);
    props.putAll(producerProperties);
    return props;
  }
}
