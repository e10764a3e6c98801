package io.tandem.streams.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.streams.metrics.TandemMeters;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The demo's progress table, read from Tandem's meters in a {@link MeterRegistry} (names from
 * {@link TandemMeters}). A meter that does not exist yet shows as "-".
 *
 * <p>Example:
 * <pre>
 *   elapsed  events/s  consumed  invalid  predictions  model
 *     0:15     4,980    74,700        3       74,697    1,167
 *   task        events/s  consumed   trained     AUC  logloss    RMSE  drifts warnings  transfers
 *   ctr            3,735    56,025    56,000   0.712    0.301       -       1        2      1/0
 *   preference     1,245    18,675    18,650       -        -   0.934       0        0      0/0
 * </pre>
 *
 * <p>Not thread-safe; meters themselves may be updated concurrently while reading.
 */
final class LiveTable {

  /**
   * The values read at one moment.
   *
   * @param consumed  events consumed per task
   * @param trained   events trained per task
   * @param invalid   invalid events, all reasons
   * @param predictions predictions published, all sources
   * @param modelVersion model version, NaN if unknown
   * @param auc       windowed AUC per task (binary tasks)
   * @param logloss   windowed log loss per task (binary tasks)
   * @param rmse      windowed RMSE per task (regression tasks)
   * @param drifts    drift alarms per task
   * @param warnings  drift warnings that started a candidate, per task
   * @param promoted  transfers promoted per task
   * @param rolledBack transfers rolled back per task
   */
  record Snapshot(Map<String, Double> consumed, Map<String, Double> trained, double invalid, double predictions,
      double modelVersion, Map<String, Double> auc, Map<String, Double> logloss, Map<String, Double> rmse,
      Map<String, Double> drifts, Map<String, Double> warnings, Map<String, Double> promoted,
      Map<String, Double> rolledBack) {

    /** Events consumed over all tasks. */
    double totalConsumed() {
      return consumed.values().stream().mapToDouble(Double::doubleValue).sum();
    }
  }

  private LiveTable() {}

  /** Reads Tandem's meters now. */
  static Snapshot read(MeterRegistry registry) {
    return new Snapshot(
        countersByTask(registry, TandemMeters.EVENTS_CONSUMED),
        countersByTask(registry, TandemMeters.EVENTS_TRAINED),
        registry.find(TandemMeters.EVENTS_INVALID).counters().stream().mapToDouble(Counter::count).sum(),
        registry.find(TandemMeters.PREDICTIONS_PUBLISHED).counters().stream().mapToDouble(Counter::count).sum(),
        registry.find(TandemMeters.MODEL_VERSION).gauges().stream().mapToDouble(Gauge::value).max().orElse(Double.NaN),
        gaugesByTask(registry, TandemMeters.TASK_AUC),
        gaugesByTask(registry, TandemMeters.TASK_LOGLOSS),
        gaugesByTask(registry, TandemMeters.TASK_RMSE),
        countersByTask(registry, TandemMeters.DRIFT_DETECTIONS),
        countersByTask(registry, TandemMeters.DRIFT_WARNINGS),
        transfersByTask(registry, "promoted"),
        transfersByTask(registry, "rolled_back"));
  }

  /**
   * Renders the table.
   *
   * @param previous the snapshot of the last render (for the rate), or null on the first
   * @param current  the snapshot now
   * @param sincePrevious time between the two snapshots
   * @param elapsed  time since the demo started
   */
  static String render(Snapshot previous, Snapshot current, Duration sincePrevious, Duration elapsed) {
    double before = previous == null ? 0 : previous.totalConsumed();
    double seconds = Math.max(sincePrevious.toMillis(), 1) / 1000.0;
    double rate = (current.totalConsumed() - before) / seconds;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%8s %9s %10s %8s %12s %8s%n",
        "elapsed", "events/s", "consumed", "invalid", "predictions", "model"));
    sb.append(String.format(Locale.ROOT, "%8s %,9.0f %,10.0f %,8.0f %,12.0f %8s%n",
        clock(elapsed), rate, current.totalConsumed(), current.invalid(), current.predictions(),
        Double.isNaN(current.modelVersion()) ? "-" : String.format(Locale.ROOT, "%,.0f", current.modelVersion())));
    sb.append(String.format(Locale.ROOT, "  %-14s %9s %10s %10s %8s %8s %8s %7s %8s %10s%n",
        "task", "events/s", "consumed", "trained", "AUC", "logloss", "RMSE", "drifts",
        "warnings", "transfers"));
    TreeSet<String> tasks = new TreeSet<>(current.consumed().keySet());
    tasks.addAll(current.trained().keySet());
    tasks.addAll(current.auc().keySet());
    tasks.addAll(current.rmse().keySet());
    for (String task : tasks) {
      double taskBefore = previous == null ? 0 : previous.consumed().getOrDefault(task, 0.0);
      double taskRate = (current.consumed().getOrDefault(task, 0.0) - taskBefore) / seconds;
      sb.append(String.format(Locale.ROOT,
          "  %-14s %,9.0f %,10.0f %,10.0f %8s %8s %8s %,7.0f %,8.0f %10s%n",
          task, taskRate,
          current.consumed().getOrDefault(task, 0.0), current.trained().getOrDefault(task, 0.0),
          metric(current.auc().get(task)), metric(current.logloss().get(task)), metric(current.rmse().get(task)),
          current.drifts().getOrDefault(task, 0.0), current.warnings().getOrDefault(task, 0.0),
          String.format(Locale.ROOT, "%.0f/%.0f", current.promoted().getOrDefault(task, 0.0),
              current.rolledBack().getOrDefault(task, 0.0))));
    }
    return sb.toString();
  }

  private static Map<String, Double> countersByTask(MeterRegistry registry, String name) {
    Map<String, Double> out = new TreeMap<>();
    for (Counter c : registry.find(name).counters()) {
      String task = c.getId().getTag(TandemMeters.TAG_TASK);
      if (task != null) {
        out.merge(task, c.count(), Double::sum);
      }
    }
    return out;
  }

  /** Transfer updates with one decision ({@code promoted}, {@code rolled_back}) per task. */
  private static Map<String, Double> transfersByTask(MeterRegistry registry, String decision) {
    Map<String, Double> out = new TreeMap<>();
    for (Counter c : registry.find(TandemMeters.TRANSFER_UPDATES)
        .tag(TandemMeters.TAG_DECISION, decision).counters()) {
      String task = c.getId().getTag(TandemMeters.TAG_TASK);
      if (task != null) {
        out.merge(task, c.count(), Double::sum);
      }
    }
    return out;
  }

  private static Map<String, Double> gaugesByTask(MeterRegistry registry, String name) {
    Map<String, Double> out = new TreeMap<>();
    for (Gauge g : registry.find(name).gauges()) {
      String task = g.getId().getTag(TandemMeters.TAG_TASK);
      if (task != null) {
        out.put(task, g.value());
      }
    }
    return out;
  }

  private static String metric(Double value) {
    return value == null || value.isNaN() ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String clock(Duration elapsed) {
    long s = elapsed.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
