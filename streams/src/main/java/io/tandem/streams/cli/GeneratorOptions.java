package io.tandem.streams.cli;

import io.tandem.model.generator.DriftSpec;
import io.tandem.model.generator.GeneratorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The synthetic stream's settings, shared by {@code tandem generate} and {@code tandem demo} (a
 * picocli mixin). An option left out keeps {@link GeneratorConfig#defaults()}.
 */
final class GeneratorOptions {

  private static final Pattern DRIFT = Pattern.compile("([a-z][a-z0-9_-]*)@(\\d+)(?::(\\d+))?");

  @Option(names = "--seed", paramLabel = "N", description = "Seed of every random draw (default: 42).")
  Long seed;

  @Option(names = "--users", paramLabel = "N", description = "Number of users (default: 5,000).")
  Integer users;

  @Option(names = "--items", paramLabel = "N", description = "Number of items (default: 2,000).")
  Integer items;

  @Option(names = "--dim", paramLabel = "N", description = "Latent dimension, 4..1024 (default: 8).")
  Integer dim;

  @Option(names = "--rho", paramLabel = "R",
      description = "Task relatedness in [0, 1]: cosine between the task weight vectors (default: 0.8).")
  Double rho;

  @Option(names = "--ctr-events", paramLabel = "N", description = "Number of ctr events (default: 200,000).")
  Long ctrEvents;

  @Option(names = "--preference-events", paramLabel = "N",
      description = "Number of preference events (default: 200,000); fewer makes preference the scarce task.")
  Long preferenceEvents;

  @Option(names = "--ctr-base-rate", paramLabel = "P",
      description = "Mean click probability in (0, 1) (default: 0.10).")
  Double ctrBaseRate;

  @Option(names = "--drift", paramLabel = "TASK@EVENT[:OVER]",
      description = "Re-draw TASK's specific factors at stream position EVENT (abrupt) or blended over OVER events "
          + "(gradual); repeatable. Example: --drift ctr@100000:20000")
  List<String> drifts = new ArrayList<>();

  @Option(names = "--daily-cycle", paramLabel = "AMPLITUDE",
      description = "Amplitude of the daily cycle in the click logit, >= 0; 0 = none (default: 0.5).")
  Double dailyCycle;

  @Option(names = "--no-context", negatable = false,
      description = "Events carry no context (device, hour).")
  boolean noContext;

  /**
   * The generator configuration: defaults, then every given option.
   *
   * @throws IllegalArgumentException naming the option for an invalid value
   */
  GeneratorConfig toConfig() {
    GeneratorConfig c = GeneratorConfig.defaults();
    if (seed != null) {
      c = c.withSeed(seed);
    }
    if (users != null || items != null) {
      c = c.withPopulation(users != null ? users : c.users(), items != null ? items : c.items());
    }
    if (dim != null) {
      c = c.withDim(dim);
    }
    if (rho != null) {
      c = c.withRho(rho);
    }
    if (ctrEvents != null || preferenceEvents != null) {
      c = c.withEvents(ctrEvents != null ? ctrEvents : c.ctrEvents(),
          preferenceEvents != null ? preferenceEvents : c.preferenceEvents());
    }
    if (ctrBaseRate != null) {
      c = c.withCtrBaseRate(ctrBaseRate);
    }
    if (!drifts.isEmpty()) {
      c = c.withDrifts(parseDrifts(drifts));
    }
    if (dailyCycle != null) {
      c = c.withDailyCycleAmplitude(dailyCycle);
    }
    if (noContext) {
      c = c.withContext(false);
    }
    return c;
  }

  /** Parses {@code TASK@EVENT[:OVER]} values into drift specs. */
  static List<DriftSpec> parseDrifts(List<String> values) {
    List<DriftSpec> out = new ArrayList<>(values.size());
    for (String value : values) {
      Matcher m = DRIFT.matcher(value);
      if (!m.matches()) {
        throw new IllegalArgumentException("--drift: expected TASK@EVENT or TASK@EVENT:OVER (e.g. ctr@100000:20000), "
            + "got '" + value + "'");
      }
      long at = Long.parseLong(m.group(2));
      out.add(m.group(3) == null ? DriftSpec.abrupt(m.group(1), at)
          : DriftSpec.gradual(m.group(1), at, Long.parseLong(m.group(3))));
    }
    return out;
  }
}
