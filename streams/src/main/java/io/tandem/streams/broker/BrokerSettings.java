package io.tandem.streams.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start an {@link EmbeddedBroker}.
 *
 * @param port           the client (PLAINTEXT) port on 127.0.0.1, 0..65535; 0 picks a free port
 * @param dataDir        where the broker keeps its logs and metadata; empty means a fresh temporary
 * directory that is
 *                       deleted on {@link EmbeddedBroker#close()}. A given directory is kept, so
 * data survives a restart.
 * @param brokerOverrides extra Kafka broker properties applied last (e.g. {@code num.partitions});
 * never null
 */
public record BrokerSettings(int port, Optional<Path> dataDir, Map<String, String> brokerOverrides) {

  /** The port Kafka brokers use by convention and {@code tandem broker} uses by default. */
  public static final int DEFAULT_PORT = 9092;

  /** Validates the port range and copies the overrides. */
  public BrokerSettings {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: must be in 0..65535 (0 = any free port), got " + port);
    }
    Objects.requireNonNull(dataDir, "dataDir");
    brokerOverrides = Map.copyOf(Objects.requireNonNull(brokerOverrides, "brokerOverrides"));
  }

  /** A broker on any free port with a temporary data directory, as tests and {@code tandem demo}
   * use. */
  public static BrokerSettings ephemeral() {
    return new BrokerSettings(0, Optional.empty(), Map.of());
  }

  /** A copy listening on {@code newPort} (0 = any free port). */
  public BrokerSettings withPort(int newPort) {
    return new BrokerSettings(newPort, dataDir, brokerOverrides);
  }

  /** A copy that keeps its data in {@code dir} (created if missing; kept on close). */
  public BrokerSettings withDataDir(Path dir) {
    return new BrokerSettings(port, Optional.of(Objects.requireNonNull(dir, "dir")), brokerOverrides);
  }

  /** A copy with the extra Kafka broker properties {@code overrides} (replacing earlier overrides).
   * */
  public BrokerSettings withBrokerOverrides(Map<String, String> overrides) {
    return new BrokerSettings(port, dataDir, overrides);
  }
}
