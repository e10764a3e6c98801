package io.tandem.streams.cli;

import io.tandem.streams.config.TandemConfig;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of a command that talks to a Kafka cluster it is told about: the configuration
 * ({@link ConfigOptions}) plus {@code --bootstrap-servers}, which must end up set one way or
 * another.
 */
final class ClusterOptions {

  @Mixin
  private ConfigOptions config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka to connect to (same as --set bootstrap.servers=...).")
  private String bootstrapServers;

  /**
   * The effective configuration, {@code --bootstrap-servers} winning over every other source.
   *
   * @throws IllegalArgumentException if no source sets {@code bootstrap.servers}
   */
  TandemConfig load() {
    Map<String, String> extra = new HashMap<>();
    if (bootstrapServers != null) {
      extra.put("bootstrap.servers", bootstrapServers);
    }
    TandemConfig resolved = config.load(extra);
    if (resolved.get("bootstrap.servers") == null) {
      throw new IllegalArgumentException("bootstrap.servers is not set: pass --bootstrap-servers "
          + "HOST:PORT, --set bootstrap.servers=HOST:PORT, or put it in the --config file");
    }
    return resolved;
  }
}
