package io.tandem.tests.observability;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal reader of the Prometheus text exposition format: sample names, their label keys and
 * their summed values. Comment lines ({@code # HELP}, {@code # TYPE}) are skipped.
 *
 * <p>Immutable and thread-safe.
 */
final class PrometheusText {

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
  private static final Pattern LABEL_KEY = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private final Map<String, Set<Set<String>>> labelKeySets;
  private final Map<String, Double> sums;

  private PrometheusText(Map<String, Set<Set<String>>> labelKeySets, Map<String, Double> sums) {
    this.labelKeySets = labelKeySets;
    this.sums = sums;
  }

  /** Parses a scrape body; lines that are not samples are ignored. */
  static PrometheusText parse(String scrape) {
    Map<String, Set<Set<String>>> keySets = new HashMap<>();
    Map<String, Double> sums = new HashMap<>();
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      Set<String> keys = new TreeSet<>();
      if (m.group(3) != null) {
        Matcher k = LABEL_KEY.matcher(m.group(3));
        while (k.find()) {
          keys.add(k.group(1));
        }
      }
      keySets.computeIfAbsent(m.group(1), n -> new HashSet<>()).add(keys);
      sums.merge(m.group(1), Double.parseDouble(m.group(4)), Double::sum);
    }
    return new PrometheusText(keySets, sums);
  }

  /** Every sample name in the scrape. */
  Set<String> names() {
    return labelKeySets.keySet();
  }

  /** Sample name to the distinct label-key sets it appears with (Prometheus wants exactly one). */
  Map<String, Set<Set<String>>> labelKeySets() {
    return labelKeySets;
  }

  /** The sum of every sample of {@code name}, or 0 when absent. */
  double sum(String name) {
    return sums.getOrDefault(name, 0.0);
  }
}
