package io.tandem.model.baseline;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.OracleReport;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.metrics.PrequentialEvaluator;
import io.tandem.model.metrics.TaskReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures, on a generated stream (by default {@link GeneratorConfig#defaults()}): the
 * generator's throughput, the oracle's scores, and {@link OneHotLinearBaseline}'s prequential
 * scores (each micro-batch predicted, then learned), overall and after a warm-up.
 *
 * <p>Usage: {@code java -cp model/target/classes io.tandem.model.baseline.BaselineReport
 * [lr=0.02] [batch=1] [warmup=100000] [ctr=200000] [preference=200000] [rho=0.8] [seed=42]}.
 */
public final class BaselineReport {

  private BaselineReport() {}

  /** Runs the report; arguments are {@code key=value} pairs as in the class comment. */
  public static void main(String[] args) {
    Map<String, String> options = parse(args);
    GeneratorConfig config = GeneratorConfig.defaults()
        .withEvents(longOption(options, "ctr", 200_000), longOption(options, "preference", 200_000))
        .withRho(doubleOption(options, "rho", 0.8))
        .withSeed(longOption(options, "seed", 42));
    BaselineConfig baseline = BaselineConfig.defaults()
        .withLearningRate(doubleOption(options, "lr", 0.02));
    int batch = (int) longOption(options, "batch", 1);
    long warmup = longOption(options, "warmup", 100_000);
    if (batch < 1) {
      throw new IllegalArgumentException("batch: must be >= 1, got " + batch);
    }
    run(config, baseline, batch, warmup, System.out);
  }

  /**
   * Generates {@code config}'s stream, scores the oracle and the baseline, and prints the
   * results to {@code out}.
   */
  static void run(GeneratorConfig config, BaselineConfig baselineConfig, int batch, long warmup,
      PrintStream out) {
    long start = System.nanoTime();
    long generated = 0;
    StreamGenerator timing = new StreamGenerator(config);
    while (timing.hasNext()) {
      timing.next();
      generated++;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "generator: %d events in %.2f s = %.0f events/s (world build "
        + "included)%n", generated, seconds, generated / seconds);

    OracleReport oracle = OracleReport.of(config);
    out.printf(Locale.ROOT, "oracle (whole stream): click rate %.4f, ctr AUC %.4f, ctr logloss "
        + "%.4f, preference RMSE %.4f, MAE %.4f%n", oracle.clickRate(), oracle.ctrAuc(),
        oracle.ctrLogLoss(), oracle.preferenceRmse(), oracle.preferenceMae());

    OneHotLinearBaseline learner = new OneHotLinearBaseline(baselineConfig, StreamGenerator.TASKS);
    PrequentialEvaluator all = new PrequentialEvaluator(StreamGenerator.TASKS, 50_000);
    PrequentialEvaluator afterWarmup = new PrequentialEvaluator(StreamGenerator.TASKS, 50_000);
    StreamGenerator stream = new StreamGenerator(config);
    long position = 0;
    long learnStart = System.nanoTime();
    List<GeneratedEvent> events = new ArrayList<>(batch);
    List<LabelledExample> labelled = new ArrayList<>(batch);
    List<Example> examples = new ArrayList<>(batch);
    while (stream.hasNext()) {
      events.clear();
      labelled.clear();
      examples.clear();
      while (events.size() < batch && stream.hasNext()) {
        GeneratedEvent e = stream.next();
        LabelledExample l = e.toLabelledExample();
        events.add(e);
        labelled.add(l);
        examples.add(l.example());
      }
      List<Map<String, Double>> scores = learner.predict(examples);
      for (int i = 0; i < events.size(); i++, position++) {
        GeneratedEvent e = events.get(i);
        double prediction = scores.get(i).get(e.task());
        all.record(e.task(), prediction, e.label(), e.truth());
        if (position >= warmup) {
          afterWarmup.record(e.task(), prediction, e.label(), e.truth());
        }
      }
      learner.learn(labelled);
    }
    double learnSeconds = (System.nanoTime() - learnStart) / 1e9;
    out.printf(Locale.ROOT, "baseline (lr %s, batch %d): %d events predicted then learned in "
        + "%.2f s = %.0f events/s (generation and evaluation included)%n",
        baselineConfig.learningRate(), batch, position, learnSeconds, position / learnSeconds);
    print(out, "all events", all);
    print(out, "after warm-up of " + warmup + " events", afterWarmup);
    out.println("per window of 50,000 events (baseline ctr AUC / oracle ctr AUC / baseline "
        + "preference RMSE / oracle preference RMSE):");
    all.windows().forEach(w -> out.printf(Locale.ROOT, "  window %d: %.4f / %.4f / %.4f / %.4f%n",
        w.index(), w.tasks().get("ctr").model().auc(), w.tasks().get("ctr").oracle().auc(),
        w.tasks().get("preference").model().rmse(),
        w.tasks().get("preference").oracle().rmse()));
  }

  private static void print(PrintStream out, String title, PrequentialEvaluator evaluator) {
    TaskReport ctr = evaluator.overall("ctr");
    TaskReport preference = evaluator.overall("preference");
    out.printf(Locale.ROOT, "%s:%n", title);
    out.printf(Locale.ROOT, "  ctr        n=%d  baseline AUC %.4f logloss %.4f | vs truth RMSE "
        + "%.4f | oracle AUC %.4f logloss %.4f%n", ctr.model().count(), ctr.model().auc(),
        ctr.model().logLoss(), ctr.modelVsTruth().rmse(), ctr.oracle().auc(),
        ctr.oracle().logLoss());
    out.printf(Locale.ROOT, "  preference n=%d  baseline RMSE %.4f MAE %.4f | vs truth RMSE "
        + "%.4f | oracle RMSE %.4f MAE %.4f%n", preference.model().count(),
        preference.model().rmse(), preference.model().mae(), preference.modelVsTruth().rmse(),
        preference.oracle().rmse(), preference.oracle().mae());
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    List<String> known = List.of("lr", "batch", "warmup", "ctr", "preference", "rho", "seed");
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1 || !known.contains(arg.substring(0, eq))) {
        throw new IllegalArgumentException(
            "argument: expected key=value with key one of " + known + ", got '" + arg + "'");
      }
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return options;
  }

  private static long longOption(Map<String, String> options, String key, long fallback) {
    String v = options.get(key);
    try {
      return v == null ? fallback : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": must be an integer, got '" + v + "'", e);
    }
  }

  private static double doubleOption(Map<String, String> options, String key, double fallback) {
    String v = options.get(key);
    try {
      return v == null ? fallback : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": must be a number, got '" + v + "'", e);
    }
  }
}
