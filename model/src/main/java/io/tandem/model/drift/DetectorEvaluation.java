package io.tandem.model.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Measures a drift detector on seeded Bernoulli error streams with one abrupt change.
 *
 * <p>Each run draws {@code changeAt} errors with rate {@code rateBefore} (the stationary part),
 * then up to {@code horizonAfter} errors with rate {@code rateAfter}, from
 * {@code new SplittableRandom(seed + run)}, so every detector sees the same streams. A fresh copy
 * of the detector reads the stream; an alarm in the stationary part is a false alarm (the detector
 * then restarts, as in production); the first alarm after the change ends the run and its delay
 * is the number of post-change values the detector had read when it alarmed (1 = on the first).
 * A run with no alarm within {@code horizonAfter} values is a miss.
 *
 * <p>{@link #main(String[])} prints the markdown table for the three reference detectors on
 * {@link Scenario#defaults()}. Stateless and thread-safe.
 */
public final class DetectorEvaluation {

  private DetectorEvaluation() {}

  /**
   * One evaluation setting.
   *
   * @param rateBefore error rate before the change, in [0, 1]
   * @param rateAfter error rate after the change, in [0, 1]
   * @param changeAt number of stationary values before the change, at least 1
   * @param horizonAfter values read after the change before a run counts as a miss, at least 1
   * @param runs number of seeded runs, at least 1
   * @param seed seed of the first run; run {@code r} uses {@code seed + r}
   */
  public record Scenario(
      double rateBefore, double rateAfter, int changeAt, int horizonAfter, int runs, long seed) {

    /** Validates every component; throws {@link IllegalArgumentException} naming the bad one. */
    public Scenario {
      if (!(rateBefore >= 0.0 && rateBefore <= 1.0)) {
        throw new IllegalArgumentException("rateBefore: must be in [0, 1], got " + rateBefore);
      }
      if (!(rateAfter >= 0.0 && rateAfter <= 1.0)) {
        throw new IllegalArgumentException("rateAfter: must be in [0, 1], got " + rateAfter);
      }
      if (changeAt < 1) {
        throw new IllegalArgumentException("changeAt: must be at least 1, got " + changeAt);
      }
      if (horizonAfter < 1) {
        throw new IllegalArgumentException(
            "horizonAfter: must be at least 1, got " + horizonAfter);
      }
      if (runs < 1) {
        throw new IllegalArgumentException("runs: must be at least 1, got " + runs);
      }
    }

    /** Error rate 0.2 then 0.4; 10,000 stationary values, 5,000 after; 100 runs; seed 2026. */
    public static Scenario defaults() {
      return new Scenario(0.2, 0.4, 10_000, 5_000, 100, 2026L);
    }

    /** A copy with another number of runs. */
    public Scenario withRuns(int newRuns) {
      return new Scenario(rateBefore, rateAfter, changeAt, horizonAfter, newRuns, seed);
    }
  }

  /**
   * What one detector did over all runs of a scenario.
   *
   * @param detector label of the detector (e.g. its name plus a setting)
   * @param runs runs evaluated
   * @param misses runs with no alarm within the horizon after the change
   * @param meanDelay mean delay over the detected runs, in values; NaN if every run missed
   * @param medianDelay median delay over the detected runs, in values; NaN if every run missed
   * @param maxDelay largest delay over the detected runs; 0 if every run missed
   * @param falseAlarms alarms raised in the stationary parts of all runs
   * @param stationaryValues values read in the stationary parts of all runs
   */
  public record Result(
      String detector,
      int runs,
      int misses,
      double meanDelay,
      double medianDelay,
      int maxDelay,
      long falseAlarms,
      long stationaryValues) {

    /** Checks the label and the counts. */
    public Result {
      Objects.requireNonNull(detector, "detector");
      if (runs < 1 || misses < 0 || misses > runs || falseAlarms < 0 || stationaryValues < 1) {
        throw new IllegalArgumentException("inconsistent counts in result for " + detector);
      }
    }

    /** Fraction of runs that missed the change, in [0, 1]. */
    public double missRate() {
      return (double) misses / runs;
    }

    /** False alarms per 10,000 stationary values. */
    public double falseAlarmsPer10k() {
      return falseAlarms * 10_000.0 / stationaryValues;
    }
  }

  /**
   * Runs {@code scenario} on fresh copies of {@code prototype}.
   *
   * @param label label for the result row; not null
   * @param prototype detector whose {@link DriftDetector#freshCopy()} is evaluated; unchanged
   * @param scenario the setting; not null
   */
  public static Result evaluate(String label, DriftDetector prototype, Scenario scenario) {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(prototype, "prototype");
    Objects.requireNonNull(scenario, "scenario");
    int[] delays = new int[scenario.runs()];
    int detected = 0;
    long falseAlarms = 0;
    for (int run = 0; run < scenario.runs(); run++) {
      SplittableRandom random = new SplittableRandom(scenario.seed() + run);
      DriftDetector detector = prototype.freshCopy();
      for (int i = 0; i < scenario.changeAt(); i++) {
        detector.update(bernoulli(random, scenario.rateBefore()));
        if (detector.driftDetected()) {
          falseAlarms++;
        }
      }
      for (int j = 1; j <= scenario.horizonAfter(); j++) {
        detector.update(bernoulli(random, scenario.rateAfter()));
        if (detector.driftDetected()) {
          delays[detected++] = j;
          break;
        }
      }
    }
    int[] found = Arrays.copyOf(delays, detected);
    Arrays.sort(found);
    double mean = detected == 0 ? Double.NaN : Arrays.stream(found).average().orElseThrow();
    double median = detected == 0 ? Double.NaN
        : detected % 2 == 1 ? found[detected / 2]
        : (found[detected / 2 - 1] + found[detected / 2]) / 2.0;
    int max = detected == 0 ? 0 : found[detected - 1];
    return new Result(label, scenario.runs(), scenario.runs() - detected, mean, median, max,
        falseAlarms, (long) scenario.runs() * scenario.changeAt());
  }

  /** The reference detectors with their default parameters, plus Page-Hinkley watching increases. */
  public static List<Result> evaluateReferenceDetectors(Scenario scenario) {
    List<Result> results = new ArrayList<>();
    results.add(evaluate("ADWIN (MOA defaults)", new Adwin(), scenario));
    results.add(evaluate("DDM (defaults)", new Ddm(), scenario));
    results.add(evaluate("Page-Hinkley (River defaults, mode both)", new PageHinkley(), scenario));
    results.add(evaluate("Page-Hinkley (mode up)",
        new PageHinkley(PageHinkleyConfig.defaults().withMode(PageHinkleyConfig.Mode.UP)),
        scenario));
    return results;
  }

  /** A markdown table of {@code results}, headed by a one-line description of the scenario. */
  public static String markdownTable(Scenario scenario, List<Result> results) {
    StringBuilder table = new StringBuilder();
    table.append(String.format(Locale.ROOT,
        "Bernoulli errors, rate %.2f -> %.2f after %,d values; %d seeded runs (seed %d..%d);"
            + " miss = no alarm within %,d values after the change.%n%n",
        scenario.rateBefore(), scenario.rateAfter(), scenario.changeAt(), scenario.runs(),
        scenario.seed(), scenario.seed() + scenario.runs() - 1, scenario.horizonAfter()));
    table.append("| detector | mean delay | median delay | max delay | misses | false alarms"
        + " per 10k stationary |\n");
    table.append("|---|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      table.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d | %d/%d | %.2f |%n",
          r.detector(), r.meanDelay(), r.medianDelay(), r.maxDelay(), r.misses(), r.runs(),
          r.falseAlarmsPer10k()));
    }
    return table.toString();
  }

  /**
   * Prints the table for the reference detectors on {@link Scenario#defaults()}, optionally with
   * another number of runs and another length of the stationary part.
   *
   * @param args optional: {@code [runs [changeAt]]} (defaults 100 and 10,000)
   */
  public static void main(String[] args) {
    Scenario scenario;
    try {
      scenario = scenarioFrom(args);
    } catch (IllegalArgumentException e) {
      System.err.println("usage: DetectorEvaluation [runs [changeAt]]: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.print(markdownTable(scenario, evaluateReferenceDetectors(scenario)));
  }

  private static Scenario scenarioFrom(String[] args) {
    Scenario scenario = Scenario.defaults();
    if (args.length > 0) {
      scenario = scenario.withRuns(parseCount("runs", args[0]));
    }
    if (args.length > 1) {
      scenario = new Scenario(scenario.rateBefore(), scenario.rateAfter(),
          parseCount("changeAt", args[1]), scenario.horizonAfter(), scenario.runs(),
          scenario.seed());
    }
    return scenario;
  }

  private static int parseCount(String setting, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          setting + ": must be an integer, got '" + text + "'", e);
    }
  }

  private static double bernoulli(SplittableRandom random, double rate) {
    return random.nextDouble() < rate ? 1.0 : 0.0;
  }
}
