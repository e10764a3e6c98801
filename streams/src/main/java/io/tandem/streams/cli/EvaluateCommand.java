package io.tandem.streams.cli;

import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.metrics.PrequentialEvaluator;
import io.tandem.model.metrics.Scores;
import io.tandem.model.metrics.TaskReport;
import io.tandem.model.metrics.WindowReport;
import io.tandem.streams.config.TaskSettings;
import io.tandem.streams.io.PredictionEvaluation;
import java.io.IOException;
import java.io.PrintWriter;
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

/** {@code tandem evaluate}: prequential quality of a predictions file against the generator's
 * ground truth. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {
        "Score predictions (as on tandem.predictions, e.g. from `tandem learn`) against the ground truth written by "
            + "`tandem generate --truth`: prequential AUC, log loss and RMSE per task, overall and per window, next "
            + "to the oracle (the truth itself used as the prediction).",
        "Task types and label ranges come from the configuration (default: ctr binary, preference 1..5)."})
final class EvaluateCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private ConfigOptions config;

  @Option(names = "--predictions", paramLabel = "P.jsonl", required = true, description = "Predictions file.")
  private Path predictions;

  @Option(names = "--truth", paramLabel = "T.jsonl", required = true, description = "Truth file.")
  private Path truth;

  @Option(names = "--window", paramLabel = "N", defaultValue = "10000",
      description = "Window size in events, all tasks counted (default: ${DEFAULT-VALUE}).")
  private int window;

  @Override
  public Integer call() throws IOException {
    if (window < 1) {
      throw new IllegalArgumentException("--window: must be >= 1 event, got " + window);
    }
    List<TaskSpec> tasks = config.load(Map.of()).taskSettings().stream().map(TaskSettings::spec).toList();
    PredictionEvaluation.Result result = PredictionEvaluation.evaluate(predictions, truth, tasks, window);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "Evaluated %,d events of %s against %s (%,d without a prediction, %,d predictions "
        + "not in the truth file); window %,d events.%n%n", result.events(), predictions, truth,
        result.withoutPrediction(), result.unmatchedPredictions(), window);
    printOverall(out, result.evaluator());
    printWindows(out, result.evaluator());
    out.flush();
    return 0;
  }

  private static void printOverall(PrintWriter out, PrequentialEvaluator evaluator) {
    out.println("Overall (model = predictions vs labels; oracle = truth vs labels; vs truth = predictions vs truth)");
    out.printf(Locale.ROOT, "  %-14s %9s %8s %8s %8s %8s %8s %8s %9s%n", "task", "events", "AUC", "oracle",
        "logloss", "oracle", "RMSE", "oracle", "vs truth");
    for (TaskSpec task : evaluator.tasks()) {
      TaskReport r = evaluator.overall(task.name());
      out.printf(Locale.ROOT, "  %-14s %,9d %8s %8s %8s %8s %8s %8s %9s%n", task.name(), r.model().count(),
          f(r.model().auc()), f(r.oracle().auc()), f(r.model().logLoss()), f(r.oracle().logLoss()),
          f(r.model().rmse()), f(r.oracle().rmse()), f(r.modelVsTruth().rmse()));
    }
    out.println();
  }

  private static void printWindows(PrintWriter out, PrequentialEvaluator evaluator) {
    List<WindowReport> windows = evaluator.windows();
    if (windows.isEmpty()) {
      return;
    }
    out.println("Per window (binary: AUC model/oracle; regression: RMSE model/oracle)");
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %6s %11s", "window", "from event"));
    for (TaskSpec task : evaluator.tasks()) {
      header.append(String.format(Locale.ROOT, " %17s", task.name()));
    }
    out.println(header);
    for (WindowReport w : windows) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %6d %,11d", w.index(), w.firstEvent()));
      for (TaskSpec task : evaluator.tasks()) {
        TaskReport r = w.tasks().get(task.name());
        row.append(String.format(Locale.ROOT, " %17s", r == null ? "-" : pair(task, r)));
      }
      out.println(row);
    }
  }

  private static String pair(TaskSpec task, TaskReport r) {
    Scores model = r.model();
    Scores oracle = r.oracle();
    return task.kind() == TaskKind.BINARY
        ? f(model.auc()) + "/" + f(oracle.auc())
        : f(model.rmse()) + "/" + f(oracle.rmse());
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
