package io.tandem.model.quality;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.baseline.BaselineConfig;
import io.tandem.model.baseline.OneHotLinearBaseline;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;

/**
 * The full-size quality measurement behind the README table (too slow for the unit suite):
 * Tandem (each architecture, with the default fixed weights and with uncertainty weighting) and
 * the one-hot baseline, prequentially on the default 400k-event stream, after a warm-up of a
 * tenth of the stream; Tandem in micro-batches of {@link QualityScenarios#BATCH}, the baseline
 * per event (its summed-gradient step is tuned for batch 1 and diverges at batch 64).
 *
 * <p>Run: {@code mvn -pl model test-compile} then
 * {@code java -cp model/target/classes:model/target/test-classes
 * io.tandem.model.quality.QualityMeasurement [ctrEvents preferenceEvents rho]}
 * (with {@code OMP_NUM_THREADS=1}).
 */
final class QualityMeasurement {

  private QualityMeasurement() {}

  /** Prints one table row per learner. */
  public static void main(String[] args) {
    GeneratorConfig generator = GeneratorConfig.defaults();
    if (args.length == 3) {
      generator = generator.withEvents(Long.parseLong(args[0]), Long.parseLong(args[1]))
          .withRho(Double.parseDouble(args[2]));
    }
    long warmup = generator.totalEvents() / 10;
    int batch = QualityScenarios.BATCH;
    PrequentialRun baseline = PrequentialRun.run(
        new OneHotLinearBaseline(BaselineConfig.defaults(), StreamGenerator.TASKS), generator,
        1, warmup);
    print("baseline (one-hot linear)", baseline, baseline);
    for (boolean uncertainty : new boolean[] {false, true}) {
      for (ModelConfig.Architecture a : ModelConfig.Architecture.values()) {
        ModelConfig config = uncertainty ? QualityConfigs.recommended(a) : QualityConfigs.tandem(a);
        PrequentialRun run = PrequentialRun.run(
            MultiTaskModel.create(config, StreamGenerator.TASKS), generator, batch, warmup);
        print("tandem " + a + (uncertainty ? " uncertainty" : " fixed"), run, baseline);
      }
    }
    System.out.printf("oracle: ctr AUC %.4f, preference RMSE %.4f%n",
        baseline.ctr().oracle().auc(), baseline.preference().oracle().rmse());
  }

  private static void print(String name, PrequentialRun run, PrequentialRun baseline) {
    System.out.printf("%-28s ctr AUC %.4f  logloss %.4f  pref RMSE %.4f  gap closed %5.1f%%"
            + "  %.0f ev/s%n", name, run.ctr().model().auc(), run.ctr().model().logLoss(),
        run.preference().model().rmse(), 100 * run.gapClosed(baseline), run.eventsPerSecond());
  }

}
