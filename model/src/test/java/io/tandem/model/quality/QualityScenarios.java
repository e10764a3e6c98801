package io.tandem.model.quality;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskLearner;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.baseline.BaselineConfig;
import io.tandem.model.baseline.OneHotLinearBaseline;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The quality scenarios of the model issue, each returning the numbers its assertion compares;
 * shared by {@link QualityTest} (small streams) and {@link QualityMeasurement} (full size).
 */
final class QualityScenarios {

  /** Tandem's micro-batch size in the quality runs. */
  static final int BATCH = 16;

  private QualityScenarios() {}

  /** CTR AUC after warm-up of Tandem (MMoE), the baseline and the oracle. */
  record GapResult(double tandem, double baseline, double oracle) {
    double gapClosed() {
      return (tandem - baseline) / (oracle - baseline);
    }
  }

  /** Tandem ({@code config}) vs the one-hot baseline vs the oracle on {@code generator}. */
  static GapResult gap(GeneratorConfig generator, ModelConfig config) {
    long warmup = generator.totalEvents() / 10;
    PrequentialRun baseline = PrequentialRun.run(
        new OneHotLinearBaseline(BaselineConfig.defaults(), StreamGenerator.TASKS), generator, 1,
        warmup);
    PrequentialRun tandem = PrequentialRun.run(
        MultiTaskModel.create(config, StreamGenerator.TASKS), generator, BATCH, warmup);
    return new GapResult(tandem.ctr().model().auc(), baseline.ctr().model().auc(),
        tandem.ctr().oracle().auc());
  }

  /** CTR AUC of a two-task model and of a CTR-only model on the same stream. */
  record TransferResult(double multiTask, double singleTask) {}

  /** Multi-task vs single-task CTR AUC after warm-up. */
  static TransferResult scarceCtr(GeneratorConfig generator, ModelConfig config) {
    long warmup = generator.totalEvents() / 10;
    PrequentialRun multi = PrequentialRun.run(
        MultiTaskModel.create(config, StreamGenerator.TASKS), generator, BATCH, warmup);
    PrequentialRun single = PrequentialRun.run(
        new CtrOnly(MultiTaskModel.create(config, List.of(TaskSpec.binary(StreamGenerator.CTR)))),
        generator, BATCH, warmup);
    return new TransferResult(multi.ctr().model().auc(), single.ctr().model().auc());
  }

  /** CTR AUC and preference RMSE of one configuration after warm-up. */
  static PrequentialRun tandem(GeneratorConfig generator, ModelConfig config) {
    return PrequentialRun.run(MultiTaskModel.create(config, StreamGenerator.TASKS), generator,
        BATCH, generator.totalEvents() / 10);
  }

  /**
   * A CTR-only model seen through the two-task interface: it learns only the CTR labels of each
   * batch and predicts a constant mid-scale rating (which the CTR comparisons ignore).
   */
  private static final class CtrOnly implements MultiTaskLearner {
    private final MultiTaskModel model;
    private long version;

    CtrOnly(MultiTaskModel model) {
      this.model = model;
    }

    @Override
    public List<TaskSpec> tasks() {
      return StreamGenerator.TASKS;
    }

    @Override
    public List<Map<String, Double>> predict(List<Example> batch) {
      List<Map<String, Double>> out = new ArrayList<>(batch.size());
      for (Map<String, Double> s : model.predict(batch)) {
        out.add(Map.of(StreamGenerator.CTR, s.get(StreamGenerator.CTR),
            StreamGenerator.PREFERENCE, 3.0));
      }
      return out;
    }

    @Override
    public void learn(List<LabelledExample> batch) {
      List<LabelledExample> ctr = batch.stream()
          .filter(l -> l.labels().containsKey(StreamGenerator.CTR)).toList();
      if (!ctr.isEmpty()) {
        model.learn(ctr);
      }
      version++;
    }

    @Override
    public long version() {
      return version;
    }
  }
}
