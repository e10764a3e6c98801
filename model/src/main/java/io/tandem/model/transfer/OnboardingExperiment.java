package io.tandem.model.transfer;

import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.loss.Losses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Onboarding measured on the generator's ground truth, Kafka-free, with the predict-then-learn
 * micro-batch loop of the streams layer.
 *
 * <p>Scenario: a model that knows only {@code ctr} learns the generator's stream; its
 * {@code preference} events (relatedness {@code rho} to ctr: the cosine between the two tasks'
 * weight vectors) are refused (in Tandem they go to the dead-letter topic) until the stream's
 * event {@code declareAt}, when {@code preference} is declared: the model grows by that task
 * ({@link MultiTaskModel#withTask}) and learns its events from then on. Two modes:
 * {@link Mode#FRESH} (the fresh tower only) and {@link Mode#ONBOARD} (the same plus
 * {@link TaskOnboarding} through {@link DriftTransferController#withTask}; no drift detector, so
 * only onboarding acts). Measured: the new task's mean prequential loss (squared error in rating
 * units, the published predictions) over its first events after the declaration, in spans, and
 * the oracle's (the generator's expected rating) on the same events.
 *
 * <p>Deterministic: everything is seeded. Not thread-safe; each call builds its own model.
 */
public final class OnboardingExperiment {

  /** The task added at runtime. */
  static final String NEW_TASK = StreamGenerator.PREFERENCE;

  /**
   * Settings.
   *
   * @param stream the generated stream; not null
   * @param model the model's hyperparameters; not null
   * @param transfer the controller's settings ({@code onboardEvents} matters); not null
   * @param batchSize micro-batch size, &gt;= 1
   * @param declareAt the stream event (0-based, both tasks) at which the new task is declared,
   *     &gt;= 0
   * @param spans ends of the measured spans of the new task's events, increasing, each &gt;= 1:
   *     {@code [0, spans[0])}, {@code [spans[0], spans[1])}, ...
   */
  public record Setup(GeneratorConfig stream, ModelConfig model, TransferConfig transfer,
      int batchSize, long declareAt, List<Integer> spans) {

    /** Validates and copies. */
    public Setup {
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(transfer, "transfer");
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize: must be >= 1, got " + batchSize);
      }
      if (declareAt < 0) {
        throw new IllegalArgumentException("declareAt: must be >= 0, got " + declareAt);
      }
      spans = List.copyOf(spans);
      for (int i = 0; i < spans.size(); i++) {
        if (spans.get(i) < 1 || (i > 0 && spans.get(i) <= spans.get(i - 1))) {
          throw new IllegalArgumentException("spans: must be increasing and >= 1, got " + spans);
        }
      }
    }

    /** A copy with another stream. */
    public Setup withStream(GeneratorConfig value) {
      return new Setup(value, model, transfer, batchSize, declareAt, spans);
    }
  }

  /** How the new task starts. */
  public enum Mode {
    /** A fresh tower (and gate), no onboarding. */
    FRESH,
    /** A fresh tower, then the guarded warm start of {@link TaskOnboarding}. */
    ONBOARD
  }

  /**
   * One run's outcome.
   *
   * @param mode the mode
   * @param rho the stream's relatedness
   * @param spanLosses the new task's mean loss in each span of {@link Setup#spans()} (NaN for a
   *     span the stream did not reach)
   * @param oracleLosses the oracle's mean loss in each span
   * @param events the onboarding's events (empty for {@link Mode#FRESH})
   */
  public record Result(Mode mode, double rho, List<Double> spanLosses, List<Double> oracleLosses,
      List<TransferEvent> events) {
    /** Copies. */
    public Result {
      spanLosses = List.copyOf(spanLosses);
      oracleLosses = List.copyOf(oracleLosses);
      events = List.copyOf(events);
    }
  }

  private OnboardingExperiment() {}

  /** Runs the scenario in {@code mode}. */
  public static Result run(Setup setup, Mode mode) {
    StreamGenerator generator = new StreamGenerator(setup.stream());
    TaskSpec newTask = generator.tasks().stream().filter(t -> t.name().equals(NEW_TASK))
        .findFirst().orElseThrow();
    List<TaskSpec> start = generator.tasks().stream().filter(t -> !t.equals(newTask)).toList();
    MultiTaskModel model = MultiTaskModel.create(setup.model(), start);
    DriftTransferController controller = null;
    int spanCount = setup.spans().size();
    int last = setup.spans().get(spanCount - 1);
    double[] loss = new double[spanCount];
    double[] oracle = new double[spanCount];
    int seen = 0;
    long streamEvent = 0;
    boolean declared = false;
    List<TransferEvent> events = new ArrayList<>();
    List<GeneratedEvent> batch = new ArrayList<>(setup.batchSize());
    while (generator.hasNext() && seen < last) {
      GeneratedEvent event = generator.next();
      if (!declared && streamEvent >= setup.declareAt()) {
        MultiTaskModel grown = model.withTask(newTask, 1.0);
        controller = mode == Mode.ONBOARD
            ? new DriftTransferController(model, setup.transfer()).withTask(grown) : null;
        model = grown;
        declared = true;
      }
      streamEvent++;
      if (!declared && event.task().equals(NEW_TASK)) {
        continue;
      }
      batch.add(event);
      if (batch.size() < setup.batchSize()) {
        continue;
      }
      List<LabelledExample> labelled = batch.stream().map(GeneratedEvent::toLabelledExample)
          .toList();
      List<Map<String, Double>> scores =
          model.predict(labelled.stream().map(LabelledExample::example).toList());
      for (int i = 0; i < batch.size() && seen < last; i++) {
        GeneratedEvent e = batch.get(i);
        if (e.task().equals(NEW_TASK)) {
          int span = spanOf(setup.spans(), seen++);
          loss[span] += Losses.loss(newTask, scores.get(i).get(NEW_TASK), e.label());
          oracle[span] += Losses.loss(newTask, e.truth(), e.label());
        }
      }
      if (controller != null) {
        events.addAll(controller.learn(labelled, scores));
      } else {
        model.learn(labelled);
      }
      batch.clear();
    }
    List<Double> spanLosses = new ArrayList<>();
    List<Double> oracleLosses = new ArrayList<>();
    for (int s = 0; s < spanCount; s++) {
      int from = s == 0 ? 0 : setup.spans().get(s - 1);
      int to = Math.min(seen, setup.spans().get(s));
      spanLosses.add(to > from ? loss[s] / (to - from) : Double.NaN);
      oracleLosses.add(to > from ? oracle[s] / (to - from) : Double.NaN);
    }
    return new Result(mode, setup.stream().rho(), spanLosses, oracleLosses, events);
  }

  private static int spanOf(List<Integer> spans, int index) {
    for (int s = 0; s < spans.size(); s++) {
      if (index < spans.get(s)) {
        return s;
      }
    }
    throw new IllegalStateException("index " + index + " beyond the last span " + spans);
  }

  /**
   * The reference setup: the generator's defaults with 500 users x 200 items and
   * {@code rho}, 200,000 events of each task, preference declared at stream event 200,000 (ctr
   * has learned from ~100,000 events by then), the streams application's model defaults
   * ({@link ModelConfig#defaults()}, MMoE), batches of 64, {@link TransferConfig#defaults()}
   * without a drift detector (500 onboarding events), spans 1,000 / 5,000 / 20,000 of the new
   * task's events.
   */
  public static Setup referenceSetup(double rho) {
    GeneratorConfig stream = GeneratorConfig.defaults().withRho(rho).withPopulation(500, 200)
        .withEvents(200_000, 200_000);
    return new Setup(stream, ModelConfig.defaults(),
        TransferConfig.defaults().withDetector(DetectorKind.NONE), 64, 200_000,
        List.of(1_000, 5_000, 20_000));
  }

  /** A Markdown table of results, one row per run. */
  public static String table(List<Integer> spans, List<Result> results) {
    StringBuilder out = new StringBuilder("| rho | mode | decision |");
    StringBuilder rule = new StringBuilder("|---:|---|---|");
    for (int s = 0; s < spans.size(); s++) {
      out.append(String.format(Locale.ROOT, " loss %d..%d |", s == 0 ? 0 : spans.get(s - 1),
          spans.get(s)));
      rule.append("---:|");
    }
    out.append(" oracle 0..").append(spans.get(spans.size() - 1)).append(" |\n");
    out.append(rule).append("---:|\n");
    for (Result r : results) {
      String decision = r.events().stream()
          .filter(e -> e.kind() != TransferEvent.Kind.STARTED)
          .map(e -> e.kind().name().toLowerCase(Locale.ROOT) + " (source "
              + (e.sources().isEmpty() ? "-" : String.format(Locale.ROOT, "%s r=%.2f",
                  e.sources().get(0).task(), e.sources().get(0).affinity())) + ")")
          .findFirst().orElse("-");
      out.append(String.format(Locale.ROOT, "| %.1f | %s | %s |", r.rho(),
          r.mode().name().toLowerCase(Locale.ROOT), decision));
      for (double l : r.spanLosses()) {
        out.append(String.format(Locale.ROOT, " %.4f |", l));
      }
      double oracleAll = 0;
      int from = 0;
      for (int s = 0; s < spans.size(); s++) {
        oracleAll += r.oracleLosses().get(s) * (spans.get(s) - from);
        from = spans.get(s);
      }
      out.append(String.format(Locale.ROOT, " %.4f |%n", oracleAll / from));
    }
    return out.toString();
  }

  /**
   * Prints the measurement as Markdown. Arguments: relatedness values (default {@code 0.8 0.5
   * 0.0}).
   */
  public static void main(String[] args) {
    List<Double> rhos = new ArrayList<>();
    for (String a : args) {
      rhos.add(Double.parseDouble(a));
    }
    if (rhos.isEmpty()) {
      rhos = List.of(0.8, 0.5, 0.0);
    }
    List<Result> results = new ArrayList<>();
    List<Integer> spans = List.of();
    for (double rho : rhos) {
      Setup setup = referenceSetup(rho);
      spans = setup.spans();
      results.add(run(setup, Mode.FRESH));
      results.add(run(setup, Mode.ONBOARD));
    }
    System.out.print(table(spans, results));
    for (Result r : results) {
      for (TransferEvent e : r.events()) {
        System.out.println("rho " + r.rho() + " " + r.mode() + ": " + e);
      }
    }
  }
}
