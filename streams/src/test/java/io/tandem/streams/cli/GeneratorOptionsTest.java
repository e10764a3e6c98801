package io.tandem.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.generator.DriftSpec;
import io.tandem.model.generator.GeneratorConfig;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GeneratorOptionsTest {

  private static GeneratorConfig parse(String... args) {
    GeneratorOptions options = new GeneratorOptions();
    new CommandLine(options).parseArgs(args);
    return options.toConfig();
  }

  @Test
  void shouldKeepGeneratorDefaultsForOptionsLeftOut() {
    assertThat(parse()).isEqualTo(GeneratorConfig.defaults());
  }

  @Test
  void shouldApplyEachGivenOptionAndKeepTheOthers() {
    GeneratorConfig config = parse("--seed", "7", "--users", "100", "--ctr-events", "10", "--rho", "0.2",
        "--ctr-base-rate", "0.05", "--daily-cycle", "0", "--no-context", "--dim", "16");

    GeneratorConfig d = GeneratorConfig.defaults();
    assertThat(config).isEqualTo(d.withSeed(7).withPopulation(100, d.items()).withEvents(10, d.preferenceEvents())
        .withRho(0.2).withCtrBaseRate(0.05).withDailyCycleAmplitude(0).withContext(false).withDim(16));
  }

  @Test
  void shouldParseAbruptAndGradualDrifts() {
    GeneratorConfig config = parse("--drift", "ctr@1000", "--drift", "preference@2000:500");

    assertThat(config.drifts()).containsExactly(DriftSpec.abrupt("ctr", 1000),
        DriftSpec.gradual("preference", 2000, 500));
  }

  @Test
  void shouldRejectAMalformedDrift() {
    assertThatThrownBy(() -> GeneratorOptions.parseDrifts(List.of("ctr-1000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--drift: expected TASK@EVENT or TASK@EVENT:OVER (e.g. ctr@100000:20000), got 'ctr-1000'");
  }

  @Test
  void shouldDocumentTheGeneratorsActualDefaultsInTheHelp() {
    GeneratorConfig d = GeneratorConfig.defaults();
    String help = new CommandLine(new GeneratorOptions()).getUsageMessage().replaceAll("\\s+", " ");

    assertThat(help).contains(
        "Seed of every random draw (default: " + d.seed() + ")",
        "Number of users (default: " + String.format(Locale.ROOT, "%,d", d.users()) + ")",
        "Number of items (default: " + String.format(Locale.ROOT, "%,d", d.items()) + ")",
        "Latent dimension, 4..1024 (default: " + d.dim() + ")",
        "(default: " + d.rho() + ")",
        "Number of ctr events (default: " + String.format(Locale.ROOT, "%,d", d.ctrEvents()) + ")",
        "Number of preference events (default: " + String.format(Locale.ROOT, "%,d", d.preferenceEvents()) + ")",
        "(default: " + String.format(Locale.ROOT, "%.2f", d.ctrBaseRate()) + ")",
        "0 = none (default: " + d.dailyCycleAmplitude() + ")");
  }
}
