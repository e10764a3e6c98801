package io.tandem.streams.cli;

import io.tandem.streams.config.TandemConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options shared by commands that run Tandem: {@code --config FILE} and
 * repeatable {@code --set KEY=VALUE}. Used as a picocli mixin.
 */
final class ConfigOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Kafka-style .properties file with Tandem and Kafka settings (see `tandem config --list`).")
  Path configFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting; repeatable; wins over the file and TANDEM_* environment variables.")
  Map<String, String> sets = new LinkedHashMap<>();

  /**
   * Resolves the configuration: defaults &lt; file &lt; environment &lt; {@code --set} &lt; {@code
   * extra}.
   *
   * @param extra settings from dedicated flags such as {@code --bootstrap-servers}; highest
   * precedence
   */
  TandemConfig load(Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>(sets);
    all.putAll(extra);
    return TandemConfig.load(configFile, System.getenv(), all);
  }
}
