package io.tandem.model.quality;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.baseline.BaselineConfig;
import io.tandem.model.baseline.OneHotLinearBaseline;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import java.util.List;

/**
 * The full-size quality measurement behind the README table (too slow for the unit suite):
 * Tandem (each architecture, with fixed equal weights and with the defaults) and
 * the one-hot baseline, prequentially on the default 400k-event stream, after a warm-up of a
 * tenth of the stream; Tandem in micro-batches of {@link QualityScenarios#BATCH}, the baseline
 * per event (its summed-gradient step is tuned for batch 1 and diverges at batch 64).
 *
 * <p>Run: {@code mvn -pl model test-compile} then
 * {@code java -cp model/target/classes:model/target/test-classes
 * io.tandem.model.quality.QualityMeasurement [ctrEvents preferenceEvents rho [modelSeed
 * [batch [architecture]]]]} (with {@code OMP_NUM_THREADS=1}); {@code batch} defaults to
 * {@link QualityScenarios#BATCH}; with an {@code architecture} (e.g. {@code MMOE}) only that one
 * runs, with the defaults.
 */
final class QualityMeasurement {

  private QualityMeasurement() {}

  /** Prints one table row per learner. */
  public static void main(String[] args) {
    GeneratorConfig generator = GeneratorConfig.defaults();
    if (args.length >= 3) {
      generator = generator.withEvents(Long.parseLong(args[0]), Long.parseLong(args[1]))
          .withRho(Double.parseDouble(args[2]));
    }
    long modelSeed = args.length >= 4 ? Long.parseLong(args[3]) : ModelConfig.defaults().seed();
    long warmup = generator.totalEvents() / 10;
    int batch = args.length >= 5 ? Integer.parseInt(args[4]) : QualityScenarios.BATCH;
    List<ModelConfig.Architecture> architectures = args.length >= 6
        ? List.of(ModelConfig.Architecture.valueOf(args[5]))
        : List.of(ModelConfig.Architecture.values());
    PrequentialRun baseline = PrequentialRun.run(
        new OneHotLinearBaseline(BaselineConfig.defaults(), StreamGenerator.TASKS), generator,
        1, warmup);
    print("baseline (one-hot linear)", baseline, baseline);
    boolean[] weightings = args.length >= 6 ? new boolean[] {true} : new boolean[] {false, true};
    for (boolean defaults : weightings) {
      for (ModelConfig.Architecture a : architectures) {
        ModelConfig config = (defaults ? QualityConfigs.tandem(a)
            : QualityConfigs.fixedEqualWeights(a)).withSeed(modelSeed);
        PrequentialRun run = PrequentialRun.run(
            MultiTaskModel.create(config, StreamGenerator.TASKS), generator, batch, warmup);
        print("tandem " + a + (defaults ? " defaults" : " fixed 1/1") + " batch " + batch, run,
            baseline);
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
