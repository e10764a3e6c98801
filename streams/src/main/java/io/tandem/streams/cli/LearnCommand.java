package io.tandem.streams.cli;

import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.metrics.Scores;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.schemas.Codecs;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.TaskSettings;
import io.tandem.streams.io.JsonLinesReader;
import io.tandem.streams.io.ProgressBar;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.learning.WindowedTaskMetrics;
import io.tandem.streams.replay.PrequentialReplay;
import io.tandem.streams.replay.RejectedLine;
import io.tandem.streams.replay.ReplayReport;
import io.tandem.streams.topology.TandemTopology;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tandem learn}: backtest a configuration on recorded traffic — run the model prequentially
 * over a file of labelled events and write one prediction per event, exactly as the stream
 * processor would publish them (see {@link PrequentialReplay}).
 */
@Command(name = "learn", mixinStandardHelpOptions = true,
    description = {
        "Run the model prequentially over a JSON-lines file of labelled events (each micro-batch predicted, then "
            + "learned: the stream processor's loop) and write one prediction per event in the predictions "
            + "topic's format.",
        "Invalid lines are reported with their line number and reason and skipped. At the end: events/s and "
            + "per-task prequential metrics (AUC and log loss for binary tasks, RMSE and MAE for regressions)."})
final class LearnCommand implements Callable<Integer> {

  private static final int IO_BUFFER_BYTES = 1 << 20;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOptions config;

  @Option(names = "--events", required = true, paramLabel = "EVENTS.jsonl",
      description = "Labelled events, one JSON object per line (the tandem.events format).")
  private Path events;

  @Option(names = "--out", required = true, paramLabel = "PREDICTIONS.jsonl",
      description = "Where to write the predictions (the tandem.predictions format); replaced if it exists.")
  private Path out;

  @Option(names = "--rejects", paramLabel = "REJECTS.jsonl",
      description = "Also write every rejected line as {\"line\",\"reason\",\"message\",\"record\"}.")
  private Path rejects;

  @Option(names = "--updates", paramLabel = "UPDATES.jsonl",
      description = "Also write the transfer updates the drift watch publishes (the"
          + " tandem.transfer-updates format): candidates started, promoted, rolled back.")
  private Path updates;

  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    if (!Files.isRegularFile(events)) {
      throw new NoSuchFileException(events.toString());
    }
    TandemConfig resolved = config.load(Map.of());
    List<TaskSpec> tasks = resolved.taskSettings().stream().map(TaskSettings::spec).toList();
    MultiTaskModel model = MultiTaskModel.create(TandemTopology.modelConfig(resolved), tasks);
    PrequentialReplay replay = new PrequentialReplay(
        Codecs.labelledEvents(resolved.tasks(), resolved.maxRecordBytes()),
        resolved.transfer().detector() == DetectorKind.NONE
            ? new PrequentialTrainer(model)
            : PrequentialTrainer.watched(model, resolved.transfer(),
                PrequentialTrainer.DEFAULT_METRICS_WINDOW),
        resolved.batchSize(), resolved.maxRecordBytes());

    long totalLines = JsonLinesReader.countLines(events);
    ProgressBar bar = new ProgressBar(console, totalLines, System.console() != null, System::nanoTime);
    ReplayReport report;
    try (InputStream in = Files.newInputStream(events);
        OutputStream predictions = new BufferedOutputStream(Files.newOutputStream(out), IO_BUFFER_BYTES);
        OutputStream rejected = rejects == null ? null
            : new BufferedOutputStream(Files.newOutputStream(rejects), IO_BUFFER_BYTES);
        OutputStream updated = updates == null ? null
            : new BufferedOutputStream(Files.newOutputStream(updates), IO_BUFFER_BYTES)) {
      report = replay.run(in, predictions, rejected, updated, bar::update);
    }
    bar.finish(report.lines());
    print(console, report, tasks);
    return 0;
  }

  private void print(PrintWriter console, ReplayReport report, List<TaskSpec> tasks) {
    console.printf(Locale.ROOT, "Learned %,d events from %s in %.2f s: %,.0f events/s (model version %,d)%n",
        report.events(), events, report.elapsed().toNanos() / 1e9, report.eventsPerSecond(),
        report.modelVersion());
    console.printf(Locale.ROOT, "Wrote %,d predictions to %s%n", report.events(), out);
    if (report.rejected() > 0) {
      console.printf(Locale.ROOT, "Rejected %,d of %,d lines%s:%n", report.rejected(), report.lines(),
          rejects == null ? "" : " (all in " + rejects + ")");
      for (RejectedLine line : report.firstRejections()) {
        console.println("  " + line);
      }
      if (report.rejected() > report.firstRejections().size()) {
        console.printf(Locale.ROOT, "  ... and %,d more%s%n",
            report.rejected() - report.firstRejections().size(),
            rejects == null ? " (write them all with --rejects FILE)" : "");
      }
    }
    printDrift(console, report);
    console.println("Prequential metrics (whole run | last window):");
    for (TaskSpec task : tasks) {
      Scores all = report.overall().get(task.name());
      WindowedTaskMetrics.Snapshot window = report.lastWindow().stream()
          .filter(w -> w.task().equals(task.name())).findFirst().orElseThrow();
      if (task.kind() == TaskKind.BINARY) {
        console.printf(Locale.ROOT, "  %-16s n=%,-9d AUC %.4f  logloss %.4f | last %,d: AUC %.4f  logloss %.4f%n",
            task.name(), all.count(), all.auc(), all.logLoss(), window.size(), window.auc(),
            window.logLoss());
      } else {
        console.printf(Locale.ROOT, "  %-16s n=%,-9d RMSE %.4f  MAE %.4f | last %,d: RMSE %.4f%n",
            task.name(), all.count(), all.rmse(), all.mae(), window.size(), window.rmse());
      }
    }
    console.flush();
  }

  private void printDrift(PrintWriter console, ReplayReport report) {
    if (report.transfers().isEmpty()) {
      return;
    }
    console.println("Drift: " + driftSummary(report.transfers())
        + (updates == null ? "" : " (updates in " + updates + ")"));
    for (TransferEvent t : report.transfers()) {
      console.printf(Locale.ROOT, "  %-14s task %-12s at its event %,d, model version %,d%s%s%s%n",
          t.kind().name().toLowerCase(Locale.ROOT), t.task(), t.detectedAtTaskEvent(),
          t.modelVersion(), triggerNote(t), t.sources().isEmpty() ? "" : ", sources " + t.sources(),
          t.candidateLoss() == null ? "" : String.format(Locale.ROOT,
              ", %s incumbent %.4f vs candidate %.4f", t.metric(), t.incumbentLoss(),
              t.candidateLoss()));
    }
  }

  /**
   * One line on what the drift watch did: drift alarms, candidates started by a warning (which
   * change nothing unless the guard promotes them), and the transfers started and decided, e.g.
   * {@code "0 alarms, 1 warning; transfers 1 started, 0 promoted, 1 rolled back"}.
   */
  static String driftSummary(List<TransferEvent> transfers) {
    long alarms = count(transfers, TransferEvent.Kind.DRIFT_DETECTED);
    long warnings = transfers.stream().filter(t -> t.kind() == TransferEvent.Kind.STARTED
        && t.trigger() == TransferEvent.Trigger.DRIFT_WARNING).count();
    return String.format(Locale.ROOT, "%d %s, %d %s; transfers %d started, %d promoted, %d rolled"
        + " back", alarms, alarms == 1 ? "alarm" : "alarms", warnings,
        warnings == 1 ? "warning" : "warnings", count(transfers, TransferEvent.Kind.STARTED),
        count(transfers, TransferEvent.Kind.PROMOTED),
        count(transfers, TransferEvent.Kind.ROLLED_BACK));
  }

  private static long count(List<TransferEvent> transfers, TransferEvent.Kind kind) {
    return transfers.stream().filter(t -> t.kind() == kind).count();
  }

  /** ", after a warning" or ", new task" for a candidate not started by a drift alarm. */
  private static String triggerNote(TransferEvent t) {
    return switch (t.trigger()) {
      case DRIFT -> "";
      case DRIFT_WARNING -> ", after a warning";
      case NEW_TASK -> ", new task";
    };
  }

}
