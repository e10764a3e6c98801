package io.tandem.tests.topology;

import java.util.Map;
import java.util.TreeMap;

/**
 * Command-line overrides of the manual benchmarks in this package: every system property
 * {@code set.KEY=VALUE} (e.g. {@code -Dset.learner.batch.size=64}) sets Tandem's {@code KEY}.
 */
final class BenchOverrides {

  private static final String PREFIX = "set.";

  private BenchOverrides() {}

  /** The overrides given to this JVM, by key (empty when none). */
  static Map<String, String> fromSystemProperties() {
    Map<String, String> out = new TreeMap<>();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX))
        .forEach(k -> out.put(k.substring(PREFIX.length()), System.getProperty(k)));
    return out;
  }
}
