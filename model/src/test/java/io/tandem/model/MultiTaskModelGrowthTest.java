package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.loss.Losses;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Growing a trained model by a task ({@link MultiTaskModel#withTask}). */
class MultiTaskModelGrowthTest {

  private static final TaskSpec CONVERSION = TaskSpec.binary("conversion");

  /** Rounding allowed where output weights are rescaled (one multiplication each). */
  private static final double RESCALE_TOLERANCE = 1e-12;

  /** A small MMoE with Adagrad, fixed weights, context fields and affinity measured every step. */
  private static ModelConfig small() {
    return ModelConfig.defaults().withEmbeddingDim(6).withHiddenSizes(List.of(10))
        .withExperts(3, 9).withTowerSize(5).withContextFields(List.of("device"),
            List.of("hour")).withAffinity(0.1, 1);
  }

  /** Small models of each architecture, optimizer and weighting family worth telling apart. */
  static Stream<Arguments> configs() {
    ModelConfig small = small();
    return Stream.of(
        Arguments.of("mmoe adagrad fixed", small),
        Arguments.of("shared-bottom adam uncertainty", small
            .withArchitecture(ModelConfig.Architecture.SHARED_BOTTOM)
            .withOptimizer(ModelConfig.OptimizerKind.ADAM, 0.01, 0.005)
            .withWeighting(ModelConfig.Weighting.UNCERTAINTY, Map.of())),
        Arguments.of("cgc adagrad fixed", small.withArchitecture(ModelConfig.Architecture.CGC)),
        Arguments.of("mmoe sgd dwa pcgrad", small
            .withOptimizer(ModelConfig.OptimizerKind.SGD, 0.05, 0.02)
            .withWeighting(ModelConfig.Weighting.DWA, Map.of()).withPcgrad(true)));
  }

  /** Events of users u0..9, items i0..5, with context, labelled for {@code task} only. */
  private static List<LabelledExample> batch(long seed, int size, String task) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LabelledExample> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int user = random.nextInt(10);
      Example example = new Example("u" + user, "i" + random.nextInt(6),
          Map.of("device", random.nextBoolean() ? "mobile" : "web"),
          Map.of("hour", (double) random.nextInt(24)));
      double label = switch (task) {
        case "ctr", "conversion" -> user % 2 == 0 ? 1 : 0;
        default -> 1 + user % 5;
      };
      out.add(LabelledExample.of(example, task, label));
    }
    return out;
  }

  /** A model trained on a few mixed batches of ctr and rating. */
  private static MultiTaskModel trained(ModelConfig config) {
    MultiTaskModel model = MultiTaskModel.create(config, LearnerStreams.TASKS);
    for (int b = 0; b < 6; b++) {
      model.learn(batch(b, 12, b % 2 == 0 ? "ctr" : "rating"));
      model.learn(batch(100 + b, 3, "rating"));
    }
    return model;
  }

  private static List<Example> examples(List<LabelledExample> batch) {
    return batch.stream().map(LabelledExample::example).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void shouldPredictOldTasksBitForBitRightAfterAddingATask(String name, ModelConfig config) {
    // Given a trained model
    MultiTaskModel model = trained(config);

    // When it grows by a task
    MultiTaskModel grown = model.withTask(CONVERSION, 2.0);

    // Then on a batched-size and a per-example-size batch, every old task's score is identical,
    // the new task is scored too, and the version continues
    for (int size : new int[] {MultiTaskModel.BATCHED_FROM + 4, 3}) {
      List<Example> probe = examples(batch(77 + size, size, "ctr"));
      List<Map<String, Double>> before = model.predict(probe);
      List<Map<String, Double>> after = grown.predict(probe);
      for (int i = 0; i < size; i++) {
        assertThat(after.get(i)).containsAllEntriesOf(before.get(i));
        assertThat(after.get(i)).containsKey("conversion");
      }
    }
    assertThat(grown.tasks()).containsExactly(LearnerStreams.TASKS.get(0),
        LearnerStreams.TASKS.get(1), CONVERSION);
    assertThat(grown.version()).isEqualTo(model.version());
    assertThat(grown.events()).isEqualTo(model.events());
    assertThat(grown.config().taskWeight("conversion")).isEqualTo(2.0);
    assertThat(grown.stats().tables()).isEqualTo(model.stats().tables());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void shouldLearnOldTasksExactlyAsTheModelItGrewFrom(String name, ModelConfig config) {
    // Given a trained model in the middle of a transfer (a shadow candidate for rating, a loss
    // boost and a re-learning span for ctr) and its grown copy (optimizer, weighting, affinity,
    // standardiser, rows and the transfer state all carried over)
    MultiTaskModel model = trained(config);
    model.attachShadow("rating", MultiTaskModel.ShadowStart.COPY_INCUMBENT, Map.of(), 0.0, 2.0);
    model.boostLossWeight("ctr", 2.0, 1_000);
    model.boostRelearning("ctr", 3.0, 2.0, 1_000);
    MultiTaskModel grown = model.withTask(CONVERSION, 1.0);

    // When both learn the same batches of the old tasks only
    for (int b = 0; b < 4; b++) {
      List<LabelledExample> next = batch(200 + b, b % 2 == 0 ? 12 : 3,
          b % 3 == 0 ? "rating" : "ctr");
      model.learn(next);
      grown.learn(next);
    }

    // Then they still predict the old tasks identically: no learned state was lost or reset
    List<Example> probe = examples(batch(5, 10, "ctr"));
    List<Map<String, Double>> before = model.predict(probe);
    List<Map<String, Double>> after = grown.predict(probe);
    for (int i = 0; i < probe.size(); i++) {
      assertThat(after.get(i)).containsAllEntriesOf(before.get(i));
    }
    assertThat(grown.affinity("ctr", "rating")).isEqualTo(model.affinity("ctr", "rating"));
    assertThat(grown.predictShadow(probe)).containsExactly(model.predictShadow(probe));
    assertThat(grown.lossWeights()).containsAllEntriesOf(model.lossWeights());
  }

  @Test
  void shouldTrainTheNewTask() {
    // Given a grown model whose new task is learnable (even users convert)
    MultiTaskModel grown = trained(small()).withTask(CONVERSION, 1.0);
    List<LabelledExample> probe = batch(9, 40, "conversion");
    double lossBefore = meanLoss(grown, probe);

    // When it learns conversion events
    for (int b = 0; b < 60; b++) {
      grown.learn(batch(300 + b, 16, "conversion"));
    }

    // Then its conversion loss on held-out events falls well below the fresh tower's
    assertThat(meanLoss(grown, probe)).isLessThan(0.5 * lossBefore);
  }

  @Test
  void shouldRoundTripAGrownModelThroughSnapshotAndDenseBlob() throws IOException {
    // Given a grown model that has learned the new task a little
    MultiTaskModel grown = trained(small()).withTask(CONVERSION, 1.5);
    grown.learn(batch(400, 12, "conversion"));
    grown.drainDirtyRows();

    // When it is written as a snapshot and read back, and rebuilt from its configuration and
    // tasks with its dense blob and every row (the restart path of a state store)
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    grown.writeSnapshot(out);
    MultiTaskModel fromSnapshot =
        MultiTaskModel.readSnapshot(new ByteArrayInputStream(out.toByteArray()));
    MultiTaskModel rebuilt = MultiTaskModel.create(grown.config(), grown.tasks());
    rebuilt.importDense(grown.exportDense());
    for (String table : List.of("user", "item", "ctx.device")) {
      grown.table(table).exportAll().forEach((id, row) -> rebuilt.importRow(
          new RowKey(table, id), row));
    }

    // Then both predict every task as the grown model does, and keep doing so after learning
    List<Example> probe = examples(batch(11, 9, "ctr"));
    assertThat(fromSnapshot.predict(probe)).isEqualTo(grown.predict(probe));
    assertThat(rebuilt.predict(probe)).isEqualTo(grown.predict(probe));
    List<LabelledExample> next = batch(500, 12, "conversion");
    grown.learn(next);
    rebuilt.learn(next);
    assertThat(rebuilt.predict(probe)).isEqualTo(grown.predict(probe));
    assertThat(rebuilt.tasks()).isEqualTo(grown.tasks());
  }

  @Test
  void shouldRejectATaskItAlreadyHas() {
    // Given a model with tasks ctr and rating
    MultiTaskModel model = MultiTaskModel.create(ModelConfig.defaults(), LearnerStreams.TASKS);

    // When it is asked to grow by ctr again, Then the error names the task and the tasks
    assertThatThrownBy(() -> model.withTask(TaskSpec.binary("ctr"), 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task 'ctr': already in this model")
        .hasMessageContaining("[ctr, rating]");
    assertThatThrownBy(() -> model.withTask(CONVERSION, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lossWeight of task 'conversion'");
  }

  @Test
  void shouldStartAnAffineReadOutOfASourceTowerAsShadow() {
    // Given a grown model
    MultiTaskModel grown = trained(small()).withTask(CONVERSION, 1.0);
    List<Example> probe = examples(batch(13, 6, "ctr"));
    double[] sourceOnNewTask = grown.towerOutputs("ctr", "conversion", probe);

    // When the new task's candidate is ctr's tower with output 2 z - 0.5
    grown.attachShadowFromTower("conversion", "ctr", 2.0, -0.5, 1.0);

    // Then the candidate scores sigmoid(2 z_ctr - 0.5) of ctr's tower on conversion's
    // representation (up to rounding of the rescaled output weights)
    double[] shadow = grown.predictShadow(probe);
    for (int i = 0; i < probe.size(); i++) {
      assertThat(shadow[i]).isCloseTo(Losses.sigmoid(2.0 * sourceOnNewTask[i] - 0.5),
          within(RESCALE_TOLERANCE));
    }
    assertThat(grown.shadowTask()).isEqualTo("conversion");
  }

  private static double meanLoss(MultiTaskModel model, List<LabelledExample> batch) {
    List<Map<String, Double>> scores = model.predict(examples(batch));
    double sum = 0;
    for (int i = 0; i < batch.size(); i++) {
      sum += Losses.loss(CONVERSION, scores.get(i).get("conversion"),
          batch.get(i).labels().get("conversion"));
    }
    return sum / batch.size();
  }
}
