package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ObjIntConsumer;
import org.junit.jupiter.api.Test;

/**
 * The fused one-event step (dense parameters stepped inside backpropagation, see
 * {@code MultiTaskModel.fusable}) against the accumulate-then-update path: twin models, one with
 * the fused step turned off, learn the same stream of mostly one-event batches and must end with
 * bit-identical dense blobs (parameters, optimizer state, weighting, affinity, transfer state),
 * embedding rows and predictions. The streams mix in the cases that must fall back: a one-event
 * batch labelled for both tasks, batches of several events, affinity measurements and gradient
 * norms (split per-task gradients), tower and re-learning boosts; each test also checks that
 * the fused step did run (and, where it must, that it did not).
 */
class FusedStepTest {

  private static final ModelConfig SMALL = ModelConfig.defaults().withEmbeddingDim(8)
      .withExperts(3, 16).withTowerSize(8);
  private static final List<Example> PROBE = SameModel.PROBE;

  @Test
  void mmoeShouldLearnBitIdenticallyWithAndWithoutTheFusedStep() {
    assertSameSteps(SMALL, (model, batch) -> { });
  }

  @Test
  void sharedBottomAndCgcShouldLearnBitIdenticallyWithAndWithoutTheFusedStep() {
    assertSameSteps(SMALL.withArchitecture(ModelConfig.Architecture.SHARED_BOTTOM)
        .withHiddenSizes(List.of(16, 12)), (model, batch) -> { });
    assertSameSteps(SMALL.withArchitecture(ModelConfig.Architecture.CGC).withTaskExperts(2),
        (model, batch) -> { });
  }

  @Test
  void contextFieldsAndTowersWithoutTheWideInputShouldLearnBitIdentically() {
    ModelConfig context = SMALL.withContextFields(List.of("device"), List.of("hour"));
    assertSameSteps(context, (model, batch) -> { });
    assertSameSteps(context.withWide(false), (model, batch) -> { });
  }

  @Test
  void stepsWithSplitTaskGradientsShouldFallBackAndStayBitIdentical() {
    // Affinity every 5 events (its steps split the shared gradient and fall back), and
    // weightings that learn from the losses only (uncertainty, DWA: their steps may be fused)
    assertSameSteps(SMALL.withAffinity(0.1, 5), (model, batch) -> { });
    assertSameSteps(SMALL.withWeighting(ModelConfig.Weighting.UNCERTAINTY, Map.of()),
        (model, batch) -> { });
    assertSameSteps(SMALL.withWeighting(ModelConfig.Weighting.DWA, Map.of()),
        (model, batch) -> { });
  }

  @Test
  void pcgradAndGradNormShouldNeverTakeTheFusedStep() {
    // Every step splits the shared gradient per task (PCGrad; GradNorm's gradient norms): the
    // twins agree, and no step was fused
    for (ModelConfig config : List.of(SMALL.withPcgrad(true),
        SMALL.withWeighting(ModelConfig.Weighting.GRADNORM, Map.of()))) {
      MultiTaskModel model = trainTwinsAlike(config, (m, batch) -> { });
      assertThat(model.fusedStepCount()).isZero();
    }
  }

  @Test
  void transferStepsShouldLearnBitIdenticallyWithAndWithoutTheFusedStep() {
    // A shadow tower, a loss boost (fused), tower and re-learning boosts (fall back), a
    // promotion with a recovery boost, then a residual candidate
    assertSameSteps(SMALL, (model, batch) -> {
      if (batch == 10) {
        model.attachShadow("ctr", MultiTaskModel.ShadowStart.COPY_INCUMBENT, Map.of(), 0, 2);
      } else if (batch == 20) {
        model.boostLossWeight("rating", 3.0, 15);
      } else if (batch == 40) {
        model.boostTowerLearningRate("rating", 2.0, 10);
      } else if (batch == 60) {
        model.boostRelearning("ctr", 2.0, 1.5, 10);
      } else if (batch == 80) {
        model.promoteShadow(10);
      } else if (batch == 100) {
        model.attachResidualShadow("rating", 0.1);
      }
    });
  }

  @Test
  void adamShouldNeverTakeTheFusedStep() {
    // Given a model whose optimizer has no fused form (Adam decays every moment on every step)
    MultiTaskModel model = MultiTaskModel.create(
        SMALL.withOptimizer(ModelConfig.OptimizerKind.ADAM, 0.01, 0.01), LearnerStreams.TASKS);

    // When it learns one-event batches
    for (List<LabelledExample> batch : LearnerStreams.batches(3, 20, 1)) {
      model.learn(batch);
    }

    // Then every step took the accumulate-then-update path
    assertThat(model.fusedStepCount()).isZero();
  }

  /**
   * {@link #trainTwinsAlike}, then checks that the fused step ran, but not on every one-event
   * batch (the stream holds one-event batches it must refuse).
   */
  private static void assertSameSteps(ModelConfig config,
      ObjIntConsumer<MultiTaskModel> between) {
    MultiTaskModel model = trainTwinsAlike(config, between);
    long oneEventBatches = stream(config).stream().filter(b -> b.size() == 1).count();
    assertThat(model.fusedStepCount()).isPositive().isLessThan(oneEventBatches);
  }

  /**
   * Trains a model with the fused step and a twin without it on {@link #stream}, calling
   * {@code between} on both before each batch (with the batch's index), asserts they end
   * bit-identical, and returns the model with the fused step.
   */
  private static MultiTaskModel trainTwinsAlike(ModelConfig config,
      ObjIntConsumer<MultiTaskModel> between) {
    // Given twin models, one with the fused one-event step turned off
    MultiTaskModel fused = MultiTaskModel.create(config, LearnerStreams.TASKS);
    MultiTaskModel unfused = MultiTaskModel.create(config, LearnerStreams.TASKS);
    unfused.fusedSteps(false);

    // When both learn the same stream
    List<List<LabelledExample>> stream = stream(config);
    for (int b = 0; b < stream.size(); b++) {
      between.accept(fused, b);
      between.accept(unfused, b);
      fused.learn(stream.get(b));
      unfused.learn(stream.get(b));
    }

    // Then everything agrees, and the twin never took the fused step
    assertThat(unfused.fusedStepCount()).isZero();
    SameModel.assertBitIdentical(fused, unfused, PROBE);
    return fused;
  }

  /**
   * 130 seeded events over 40 users and 30 items, alternating tasks: one-event batches, except
   * that every 9th event is labelled for both tasks and every 25th batch holds three events; with
   * context values when the configuration has context fields.
   */
  private static List<List<LabelledExample>> stream(ModelConfig config) {
    SplittableRandom random = new SplittableRandom(13);
    boolean context = !config.categoricalFields().isEmpty();
    List<List<LabelledExample>> out = new ArrayList<>();
    int event = 0;
    for (int b = 0; event < 130; b++) {
      int size = b % 25 == 24 ? 3 : 1;
      List<LabelledExample> batch = new ArrayList<>();
      for (int i = 0; i < size; i++, event++) {
        int user = random.nextInt(40);
        Example example = LearnerStreams.example(random, user, context);
        double click = random.nextInt(2);
        double rating = 1.0 + random.nextInt(5);
        Map<String, Double> labels = event % 9 == 8 ? Map.of("ctr", click, "rating", rating)
            : event % 2 == 0 ? Map.of("ctr", click) : Map.of("rating", rating);
        batch.add(new LabelledExample(example, labels));
      }
      out.add(List.copyOf(batch));
    }
    return out;
  }
}
