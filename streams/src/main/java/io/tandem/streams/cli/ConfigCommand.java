package io.tandem.streams.cli;

import io.tandem.streams.config.ConfigReference;
import io.tandem.streams.config.TandemConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem config}: validate and print the effective configuration, or list every setting. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = {
        "Validate and print the effective configuration (defaults < --config file < TANDEM_* environment < --set).",
        "With --list, print the reference of every Tandem setting as a Markdown table."})
final class ConfigCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOptions config;

  @Option(names = "--list", description = "Print the reference of every Tandem setting (Markdown) and exit.")
  private boolean list;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (list) {
      out.print(ConfigReference.markdownTable());
    } else {
      TandemConfig resolved = config.load(Map.of());
      out.print(resolved);
    }
    out.flush();
    return 0;
  }
}
