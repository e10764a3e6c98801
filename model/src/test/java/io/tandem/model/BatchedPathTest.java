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
 * PCGrad, GradNorm) and a multi-label batch (which falls back to the loop).
 */
class BatchedPathTest {

  private static final List<Example> PROBE = List.of(
      new Example("u1", "i2", Map.of("device", "ios"), Map.of("hour", 3.0)),
      new Example("u7", "i9", Map.of(), Map.of()),
      new Example("unseen", "unseen", Map.of("device", "web"), Map.of("hour", 22.0)));

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
    assertThat(batched.denseParameters()).containsExactly(looped.denseParameters());
    assertThat(batched.exportDense()).containsExactly(looped.exportDense());
    Map<RowKey, byte[]> loopedRows = looped.drainDirtyRows();
    Map<RowKey, byte[]> batchedRows = batched.drainDirtyRows();
    assertThat(batchedRows.keySet()).containsExactlyElementsOf(loopedRows.keySet());
    for (Map.Entry<RowKey, byte[]> e : loopedRows.entrySet()) {
      assertThat(batchedRows.get(e.getKey())).as("row %s", e.getKey())
          .containsExactly(e.getValue());
    }
    List<Example> probe = new ArrayList<>(PROBE);
    probe.addAll(LearnerStreams.examples(stream.get(stream.size() - 1)));
    assertThat(batched.predict(probe)).isEqualTo(looped.predict(probe));
    if (shadow) {
      assertThat(batched.predictShadow(probe)).containsExactly(looped.predictShadow(probe));
    }
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
        Map<String, String> categorical = context && random.nextBoolean()
            ? Map.of("device", random.nextBoolean() ? "ios" : "android") : Map.of();
        Map<String, Double> numeric = context && random.nextBoolean()
            ? Map.of("hour", (double) random.nextInt(24)) : Map.of();
        Example example = new Example("u" + user, "i" + random.nextInt(30), categorical, numeric);
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
