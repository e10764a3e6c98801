package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batched shared part ({@code learnBatched}, {@code predictBatched}) against the
 * example-by-example loop: the same seeded model trained on the same stream must end with
 * bit-identical dense parameters, dense blob, embedding rows and predictions, whichever path ran.
 * The streams exercise the three architectures, towers with and without the wide input, context
 * fields, numeric features, a shadow tower, the split per-task gradients (affinity every step,
 * PCGrad, GradNorm) and a multi-label batch (which falls back to the loop); the batch of 70 is
 * learned in two chunks ({@code LEARN_CHUNK}). The reuse of a predict's forward by the learn of
 * the same batch is checked the same way: bit-identical to a twin that never predicts, with new
 * ids and a shadow candidate, and never reused after a change of the dense parameters.
 */
class BatchedPathTest {

  private static final List<Example> PROBE = SameModel.PROBE;

  @Test
  void mmoeShouldLearnBitIdenticallyOnBothPaths() {
    assertSamePaths(ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16)
        .withTowerSize(8), false);
  }

  @Test
  void sharedBottomShouldLearnBitIdenticallyOnBothPaths() {
    assertSamePaths(ModelConfig.defaults().withArchitecture(ModelConfig.Architecture.SHARED_BOTTOM)
        .withEmbeddingDim(8).withHiddenSizes(List.of(16, 12)).withTowerSize(8), false);
  }

  @Test
  void cgcShouldLearnBitIdenticallyOnBothPaths() {
    ModelConfig cgc = ModelConfig.defaults().withArchitecture(ModelConfig.Architecture.CGC)
        .withEmbeddingDim(8).withExperts(2, 16).withTaskExperts(2).withTowerSize(8);
    assertSamePaths(cgc, false);
    assertSamePaths(cgc.withContextFields(List.of("device"), List.of("hour")), true);
    assertSamePaths(cgc.withAffinity(0.1, 1).withPcgrad(true), false);
  }

  @Test
  void towersWithoutTheWideInputShouldLearnBitIdenticallyOnBothPaths() {
    assertSamePaths(ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16)
        .withTowerSize(8).withWide(false).withContextFields(List.of("device"), List.of("hour")),
        true);
  }

  @Test
  void contextFeaturesAndShadowTowerShouldLearnBitIdenticallyOnBothPaths() {
    assertSamePaths(ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16)
        .withTowerSize(8).withContextFields(List.of("device"), List.of("hour")), true);
  }

  @Test
  void splitTaskGradientsShouldLearnBitIdenticallyOnBothPaths() {
    ModelConfig base = ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16)
        .withTowerSize(8).withAffinity(0.1, 1);
    assertSamePaths(base.withPcgrad(true), false);
    assertSamePaths(base.withWeighting(ModelConfig.Weighting.GRADNORM, Map.of()), false);
    assertSamePaths(base.withArchitecture(ModelConfig.Architecture.SHARED_BOTTOM)
        .withHiddenSizes(List.of(16, 12)).withPcgrad(true), false);
  }

  @Test
  void aLossWeightBoostShouldLearnBitIdenticallyOnBothPaths() {
    // Given two identical models, one forced onto the example-by-example loop, and an unboosted
    // twin of the batched one
    ModelConfig config = ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16)
        .withTowerSize(8);
    MultiTaskModel looped = MultiTaskModel.create(config, LearnerStreams.TASKS);
    looped.batchedFrom(Integer.MAX_VALUE);
    MultiTaskModel batched = MultiTaskModel.create(config, LearnerStreams.TASKS);
    batched.batchedFrom(2);
    MultiTaskModel unboosted = MultiTaskModel.create(config, LearnerStreams.TASKS);
    unboosted.batchedFrom(2);

    // When all learn the same batches, ctr's loss weight tripled from the third batch on in the
    // first two
    List<List<LabelledExample>> stream = stream(config);
    for (int b = 0; b < stream.size(); b++) {
      for (MultiTaskModel model : List.of(looped, batched)) {
        if (b == 2) {
          model.boostLossWeight("ctr", 3.0, 10_000);
        }
        model.learn(stream.get(b));
      }
      unboosted.learn(stream.get(b));
    }

    // Then both paths end bit-identical, and not where the unboosted twin ends
    assertThat(batched.exportDense()).containsExactly(looped.exportDense());
    assertThat(batched.predict(PROBE)).isEqualTo(looped.predict(PROBE));
    assertThat(batched.denseParameters()).isNotEqualTo(unboosted.denseParameters());
  }

  @Test
  void learnShouldReuseThePrecedingPredictionsForwardBitIdentically() {
    // Given twin models, one predicting every batch before learning it (prequentially), one not
    ModelConfig config = ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16)
        .withTowerSize(8).withContextFields(List.of("device"), List.of("hour"));
    MultiTaskModel prequential = MultiTaskModel.create(config, LearnerStreams.TASKS);
    MultiTaskModel learnOnly = MultiTaskModel.create(config, LearnerStreams.TASKS);
    List<List<LabelledExample>> stream = new ArrayList<>(stream(config));
    stream.addAll(stream(config));

    // When both learn the same batches, twice over (the second pass meets only known ids)
    for (List<LabelledExample> batch : stream) {
      prequential.predict(LearnerStreams.examples(batch));
      prequential.learn(batch);
      learnOnly.learn(batch);
    }
    // and once the prediction was of another batch, which must not be reused
    prequential.predict(LearnerStreams.examples(stream.get(3)));
    prequential.learn(stream.get(5));
    learnOnly.learn(stream.get(5));

    // Then the forward was reused, and every parameter, state and prediction is bit-identical
    assertThat(prequential.reusedForwards()).isPositive();
    assertThat(learnOnly.reusedForwards()).isZero();
    assertThat(prequential.denseParameters()).containsExactly(learnOnly.denseParameters());
    assertThat(prequential.exportDense()).containsExactly(learnOnly.exportDense());
    List<Example> probe = new ArrayList<>(PROBE);
    probe.addAll(LearnerStreams.examples(stream.get(stream.size() - 1)));
    assertThat(prequential.predict(probe)).isEqualTo(learnOnly.predict(probe));
  }

  @Test
  void learnShouldReuseTheForwardWithNewIdsAndAShadowBitIdentically() {
    // Given twin models with a shadow candidate, one predicting every batch (and scoring the
    // shadow, as the drift watch does) before learning it, on a stream of mostly new ids
    for (ModelConfig config : List.of(
        ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16).withTowerSize(8),
        ModelConfig.defaults().withArchitecture(ModelConfig.Architecture.SHARED_BOTTOM)
            .withEmbeddingDim(8).withHiddenSizes(List.of(16, 12)).withTowerSize(8))) {
      MultiTaskModel prequential = MultiTaskModel.create(config, LearnerStreams.TASKS);
      MultiTaskModel learnOnly = MultiTaskModel.create(config, LearnerStreams.TASKS);
      for (MultiTaskModel model : List.of(prequential, learnOnly)) {
        model.attachShadow("ctr", MultiTaskModel.ShadowStart.COPY_INCUMBENT, Map.of(), 0, 2);
      }
      SplittableRandom random = new SplittableRandom(5);

      // When both learn 30 batches of 16 whose ids are new with probability 1/8
      for (int b = 0; b < 30; b++) {
        List<LabelledExample> batch = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          String user = random.nextInt(8) == 0 ? "new" + b + "-" + i : "u" + random.nextInt(20);
          Example example = Example.of(user, "i" + random.nextInt(10));
          batch.add(i % 2 == 0 ? LabelledExample.of(example, "ctr", random.nextInt(2))
              : LabelledExample.of(example, "rating", 1 + random.nextInt(5)));
        }
        List<Example> examples = LearnerStreams.examples(batch);
        prequential.predict(examples);
        prequential.predictShadow(examples);
        prequential.learn(batch);
        learnOnly.learn(batch);
      }

      // Then the forward was reused, the new ids' examples recomputed, and the models agree
      assertThat(prequential.reusedForwards()).isPositive();
      assertThat(prequential.recomputedExamples()).isPositive();
      assertThat(prequential.exportDense()).containsExactly(learnOnly.exportDense());
      assertThat(prequential.drainDirtyRows().keySet())
          .containsExactlyElementsOf(learnOnly.drainDirtyRows().keySet());
      assertThat(prequential.predict(PROBE)).isEqualTo(learnOnly.predict(PROBE));
      assertThat(prequential.predictShadow(PROBE)).containsExactly(
          learnOnly.predictShadow(PROBE));
    }
  }

  @Test
  void anyDenseChangeBetweenPredictAndLearnShouldPreventTheReuse() {
    // Given a model and its twin, both trained a little, and a batch of known ids
    ModelConfig config = ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16)
        .withTowerSize(8);
    MultiTaskModel model = MultiTaskModel.create(config, LearnerStreams.TASKS);
    MultiTaskModel twin = MultiTaskModel.create(config, LearnerStreams.TASKS);
    List<List<LabelledExample>> stream = stream(config);
    for (MultiTaskModel m : List.of(model, twin)) {
      m.learn(stream.get(3));
      m.learn(stream.get(5));
    }
    List<LabelledExample> batch = stream.get(3);
    List<Example> examples = LearnerStreams.examples(batch);
    byte[] olderDense = model.exportDense();
    for (MultiTaskModel m : List.of(model, twin)) {
      m.learn(stream.get(7));
    }
    double[] mean = model.denseParameters();
    for (int i = 0; i < mean.length; i++) {
      mean[i] *= 0.5;
    }

    // When the model predicts the batch, its dense state changes (replica mixing, a dense
    // import, one parameter), and it learns the batch; the twin changes alike without predicting
    model.predict(examples);
    model.mixDenseParameters(model.fingerprint(), mean, 0.25);
    twin.mixDenseParameters(twin.fingerprint(), mean, 0.25);
    model.learn(batch);
    twin.learn(batch);
    model.predict(examples);
    model.importDense(olderDense);
    twin.importDense(olderDense);
    model.learn(batch);
    twin.learn(batch);
    model.predict(examples);
    model.setDenseParameter(0, 0.125);
    twin.setDenseParameter(0, 0.125);
    model.learn(batch);
    twin.learn(batch);

    // Then no forward was reused and both models are still bit-identical
    assertThat(model.reusedForwards()).isZero();
    assertThat(model.exportDense()).containsExactly(twin.exportDense());
    assertThat(model.predict(PROBE)).isEqualTo(twin.predict(PROBE));
  }

  private static void assertSamePaths(ModelConfig config, boolean shadow) {
    // Given two identical models, one forced onto the example-by-example loop
    MultiTaskModel looped = MultiTaskModel.create(config, LearnerStreams.TASKS);
    looped.batchedFrom(Integer.MAX_VALUE);
    MultiTaskModel batched = MultiTaskModel.create(config, LearnerStreams.TASKS);
    batched.batchedFrom(2);

    // When both learn the same batches (sizes 1 to 70, one multi-label batch)
    List<List<LabelledExample>> stream = stream(config);
    for (int b = 0; b < stream.size(); b++) {
      if (shadow && b == 3) {
        looped.attachShadow("ctr", MultiTaskModel.ShadowStart.COPY_INCUMBENT, Map.of(), 0, 2);
        batched.attachShadow("ctr", MultiTaskModel.ShadowStart.COPY_INCUMBENT, Map.of(), 0, 2);
      }
      looped.learn(stream.get(b));
      batched.learn(stream.get(b));
    }

    // Then every parameter, optimizer state, row and prediction is bit-identical
    List<Example> probe = new ArrayList<>(PROBE);
    probe.addAll(LearnerStreams.examples(stream.get(stream.size() - 1)));
    SameModel.assertBitIdentical(batched, looped, probe);
    assertThat(batched.shadowTask()).isEqualTo(shadow ? "ctr" : null);
  }

  /** Seeded batches of varied sizes over LearnerStreams' users and items, with context. */
  private static List<List<LabelledExample>> stream(ModelConfig config) {
    SplittableRandom random = new SplittableRandom(11);
    boolean context = !config.categoricalFields().isEmpty();
    List<List<LabelledExample>> out = new ArrayList<>();
    int[] sizes = {1, 5, 33, 64, 2, 70, 17, 40};
    for (int b = 0; b < sizes.length; b++) {
      List<LabelledExample> batch = new ArrayList<>();
      for (int i = 0; i < sizes[b]; i++) {
        int user = random.nextInt(40);
        Example example = LearnerStreams.example(random, user, context);
        Map<String, Double> labels = b == 6 && i % 3 == 0
            ? Map.of("ctr", (double) random.nextInt(2), "rating", 1.0 + user % 5)
            : i % 2 == 0 ? Map.of("ctr", (double) random.nextInt(2))
            : Map.of("rating", 1.0 + random.nextInt(5));
        batch.add(new LabelledExample(example, labels));
      }
      out.add(List.copyOf(batch));
    }
    return out;
  }
}
