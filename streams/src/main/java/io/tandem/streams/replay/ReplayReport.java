package io.tandem.streams.replay;

import io.tandem.model.metrics.Scores;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.streams.learning.WindowedTaskMetrics;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link PrequentialReplay} did.
 *
 * @param lines input lines read (blank, rejected and oversized ones included)
 * @param events valid events, each predicted (one prediction written) and then learned
 * @param rejected number of lines rejected
 * @param firstRejections the first rejected lines, in input order (at most
 *     {@link PrequentialReplay#REPORTED_REJECTIONS}; all of them go to the rejects file if asked)
 * @param elapsed wall-clock time from the first read to the last write
 * @param modelVersion model version after the last batch
 * @param overall per task (model task order): prequential metrics over the whole run
 * @param lastWindow per task: the trainer's windowed metrics at the end (the most recent events)
 * @param transfers what the drift watch did, in order (alarms, transfers started and decided);
 *     empty when drift is not watched
 */
public record ReplayReport(
    long lines, long events, long rejected, List<RejectedLine> firstRejections, Duration elapsed,
    long modelVersion, Map<String, Scores> overall, List<WindowedTaskMetrics.Snapshot> lastWindow,
    List<TransferEvent> transfers) {

  /** Validates counts and copies collections (keeping map order). */
  public ReplayReport {
    if (lines < 0 || events < 0 || rejected < 0 || events + rejected > lines) {
      throw new IllegalArgumentException(
          "counts: need 0 <= events + rejected <= lines, got events=" + events + " rejected="
              + rejected + " lines=" + lines);
    }
    Objects.requireNonNull(elapsed, "elapsed");
    firstRejections = List.copyOf(firstRejections);
    overall = Collections.unmodifiableMap(new LinkedHashMap<>(overall));
    lastWindow = List.copyOf(lastWindow);
    transfers = List.copyOf(transfers);
  }

  /** Valid events per second of wall-clock time, end to end (parsing and writing included). */
  public double eventsPerSecond() {
    double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
    return events / seconds;
  }
}
