package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.snapshot.SnapshotFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MultiTaskModelTest {

  /** Relative error allowed between an analytic gradient and a central difference. */
  private static final double GRADIENT_TOLERANCE = 1e-5;
  /** Looser bound for embedding rows, which are stored as floats. */
  private static final double ROW_GRADIENT_TOLERANCE = 2e-3;

  private static ModelConfig small(ModelConfig.Architecture architecture) {
    return ModelConfig.defaults()
        .withArchitecture(architecture)
        .withEmbeddingDim(6)
        .withHiddenSizes(List.of(10, 7))
        .withExperts(3, 9)
        .withTowerSize(5)
        .withContextFields(List.of("device"), List.of("hour"));
  }

  private static List<LabelledExample> contextBatch(long seed, int size) {
    return contextBatch(seed, size, "u");
  }

  /** Events of users {@code <userPrefix>0..3} and items i0..i2 with a device and an hour. */
  private static List<LabelledExample> contextBatch(long seed, int size, String userPrefix) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LabelledExample> batch = new java.util.ArrayList<>();
    for (int i = 0; i < size; i++) {
      Example example = new Example(userPrefix + random.nextInt(4), "i" + random.nextInt(3),
          Map.of("device", random.nextBoolean() ? "mobile" : "web"),
          Map.of("hour", (double) random.nextInt(24)));
      batch.add(i % 3 == 2
          ? new LabelledExample(example, Map.of("ctr", 1.0, "rating", 2.0 + i % 3))
          : i % 3 == 0 ? LabelledExample.of(example, "ctr", random.nextInt(2))
          : LabelledExample.of(example, "rating", 1 + random.nextInt(5)));
    }
    return batch;
  }

  @ParameterizedTest
  @EnumSource(ModelConfig.Architecture.class)
  void learnShouldStepAlongTheExactGradientOfTheWeightedObjective(
      ModelConfig.Architecture architecture) {
    // Given an SGD model with context features, unequal fixed weights and a loss scale, whose
    // rows already exist and whose standardiser has seen data (one warm-up step)
    double rate = 1e-2;
    ModelConfig config = small(architecture)
        .withOptimizer(ModelConfig.OptimizerKind.SGD, rate, rate)
        .withWeighting(ModelConfig.Weighting.FIXED, Map.of("ctr", 0.7, "rating", 1.6))
        .withLossScales(Map.of("rating", 3.0));
    MultiTaskModel model = MultiTaskModel.create(config, LearnerStreams.TASKS);
    List<LabelledExample> batch = contextBatch(3, 12);
    model.learn(batch);
    double[] before = model.denseParameters();
    float[] userRow = model.table("user").lookup("u1").values().clone();

    // And central differences of the batch objective at these parameters
    double[] numeric = new double[before.length];
    double step = 1e-6;
    for (int i = 0; i < before.length; i++) {
      model.setDenseParameter(i, before[i] + step);
      double plus = model.objective(batch);
      model.setDenseParameter(i, before[i] - step);
      double minus = model.objective(batch);
      model.setDenseParameter(i, before[i]);
      numeric[i] = (plus - minus) / (2 * step);
    }
    float[] live = model.table("user").lookup("u1").values();
    double[] numericRow = new double[live.length];
    float rowStep = 1e-3f;
    for (int i = 0; i < live.length; i++) {
      float saved = live[i];
      live[i] = saved + rowStep;
      double plus = model.objective(batch);
      live[i] = saved - rowStep;
      double minus = model.objective(batch);
      live[i] = saved;
      numericRow[i] = (plus - minus) / ((double) (saved + rowStep) - (saved - rowStep));
    }

    // When one SGD step is taken on the same batch
    model.learn(batch);

    // Then the step is -rate times the numeric gradient, for every dense parameter and the
    // user row (which sees its own slot, the product features and the shared layers)
    double[] after = model.denseParameters();
    for (int i = 0; i < before.length; i++) {
      double analytic = (before[i] - after[i]) / rate;
      assertThat(Math.abs(analytic - numeric[i]) / Math.max(1e-2, Math.abs(numeric[i])))
          .as("dense parameter %d: analytic %s, numeric %s", i, analytic, numeric[i])
          .isLessThan(GRADIENT_TOLERANCE);
    }
    float[] rowAfter = model.table("user").lookup("u1").values();
    for (int i = 0; i < userRow.length; i++) {
      double analytic = ((double) userRow[i] - rowAfter[i]) / rate;
      assertThat(Math.abs(analytic - numericRow[i]) / Math.max(1e-2, Math.abs(numericRow[i])))
          .as("user row value %d: analytic %s, numeric %s", i, analytic, numericRow[i])
          .isLessThan(ROW_GRADIENT_TOLERANCE);
    }
  }

  @Test
  void stateStoreRestoreThenContinueShouldEqualNeverStoppedBitForBit() {
    // Given a model exercising every stateful feature, whose rows are drained into a "store"
    // after every batch (as the streams layer does) and whose dense blob is exported at the end
    ModelConfig config = small(ModelConfig.Architecture.MMOE)
        .withOptimizer(ModelConfig.OptimizerKind.ADAM, 0.01, 0.001)
        .withWeighting(ModelConfig.Weighting.GRADNORM, Map.of())
        .withPcgrad(true)
        .withAdmissionThreshold(2)
        .withRowExpiryEvents(60)
        .withAffinity(0.05, 2);
    MultiTaskModel neverStopped = MultiTaskModel.create(config, LearnerStreams.TASKS);
    Map<RowKey, byte[]> store = new HashMap<>();
    for (int b = 0; b < 30; b++) {
      neverStopped.learn(contextBatch(b, 9, "g" + b / 10 + "-"));
      neverStopped.drainDirtyRows().forEach((k, v) -> {
        if (v == null) {
          store.remove(k);
        } else {
          store.put(k, v);
        }
      });
    }
    byte[] dense = neverStopped.exportDense();

    // When a fresh model restores the blob and the store, and both continue
    MultiTaskModel restored = MultiTaskModel.create(config, LearnerStreams.TASKS);
    restored.importDense(dense);
    store.forEach(restored::importRow);
    for (int b = 30; b < 60; b++) {
      neverStopped.learn(contextBatch(b, 9, "g" + b / 10 + "-"));
      restored.learn(contextBatch(b, 9, "g" + b / 10 + "-"));
    }

    // Then predictions, dense state, rows and counters are identical
    List<Example> probe = LearnerStreams.examples(contextBatch(99, 20));
    assertThat(restored.predict(probe)).isEqualTo(neverStopped.predict(probe));
    assertThat(restored.exportDense()).isEqualTo(neverStopped.exportDense());
    assertThat(restored.stats()).isEqualTo(neverStopped.stats());
    assertThat(neverStopped.stats().tables().get("user").evictions()).isPositive();
  }

  @Test
  void snapshotReaderShouldRejectANewerFormatVersion() throws IOException {
    // Given a snapshot whose format version field (bytes 4..7) is one past this build's
    int newer = SnapshotFormat.VERSION + 1;
    MultiTaskModel model = MultiTaskModel.create(small(ModelConfig.Architecture.MMOE),
        LearnerStreams.TASKS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    model.writeSnapshot(out);
    byte[] bytes = out.toByteArray();
    ByteBuffer.wrap(bytes).putInt(4, newer);

    // Then
    assertThatThrownBy(() -> MultiTaskModel.readSnapshot(new ByteArrayInputStream(bytes)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format version " + newer)
        .hasMessageContaining("supports at most version " + SnapshotFormat.VERSION);
    byte[] dense = model.exportDense();
    ByteBuffer.wrap(dense).putInt(4, newer + 1);
    assertThatThrownBy(() -> model.importDense(dense))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("supports at most version " + SnapshotFormat.VERSION);
  }

  @Test
  void importDenseShouldRejectABlobOfAnotherConfiguration() {
    MultiTaskModel a = MultiTaskModel.create(small(ModelConfig.Architecture.MMOE),
        LearnerStreams.TASKS);
    MultiTaskModel b = MultiTaskModel.create(small(ModelConfig.Architecture.MMOE).withSeed(1),
        LearnerStreams.TASKS);
    assertThatThrownBy(() -> b.importDense(a.exportDense()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another configuration");
  }

  @Test
  void statsShouldCountRowsPendingIdsAndDenseParameters() {
    // Given a model admitting ids on their second sighting
    MultiTaskModel model = MultiTaskModel.create(
        small(ModelConfig.Architecture.SHARED_BOTTOM).withAdmissionThreshold(2),
        LearnerStreams.TASKS);

    // When u0 is seen twice and u1 once (items i0 twice)
    model.learn(List.of(LabelledExample.of(Example.of("u0", "i0"), "ctr", 1),
        LabelledExample.of(Example.of("u0", "i0"), "ctr", 0),
        LabelledExample.of(Example.of("u1", "i1"), "ctr", 0)));

    // Then
    ModelStats stats = model.stats();
    assertThat(stats.tables().get("user")).isEqualTo(new ModelStats.TableStats(1, 1, 1, 0));
    assertThat(stats.tables().get("item")).isEqualTo(new ModelStats.TableStats(1, 1, 1, 0));
    assertThat(stats.tables()).containsKey("ctx.device");
    // input 3*6 + 6 (device) + 1 (hour) = 25; layers 25->10->7; towers 7->5->1 twice, each
    // with 25 wide weights over the input
    int expected = (25 * 10 + 10) + (10 * 7 + 7) + 2 * (25 + (7 * 5 + 5) + (5 + 1));
    assertThat(stats.denseParameters()).isEqualTo(expected);
    assertThat(stats.bytesPerRow()).isGreaterThan(4L * 6 * 2);
    assertThat(stats.version()).isEqualTo(1);
  }

  @Test
  void uncertaintyWeightingShouldCancelALossScale() {
    // Given two uncertainty-weighted models, one with the rating loss scaled 100x
    ModelConfig config = ModelConfig.defaults()
        .withEmbeddingDim(8).withExperts(2, 8).withTowerSize(4)
        .withWeighting(ModelConfig.Weighting.UNCERTAINTY, Map.of())
        .withWeightingLearningRate(0.05);
    MultiTaskModel plain = MultiTaskModel.create(config, LearnerStreams.TASKS);
    MultiTaskModel scaled = MultiTaskModel.create(
        config.withLossScales(Map.of("rating", 100.0)), LearnerStreams.TASKS);
    assertThat(scaled.lossWeights()).containsEntry("ctr", 1.0).containsEntry("rating", 1.0);

    // When both learn the same stream
    for (List<LabelledExample> batch : LearnerStreams.batches(1, 400, 8)) {
      plain.learn(batch);
      scaled.learn(batch);
    }

    // Then the scaled task's weight is about 100x smaller (w -> 1 / loss), within a factor 3
    double ratio = plain.lossWeights().get("rating") / scaled.lossWeights().get("rating");
    assertThat(ratio).isBetween(100 / 3.0, 100 * 3.0);
  }

  @Test
  void affinityShouldBeMeasuredForEveryOrderedPair() {
    // Given a model trained on two related tasks
    MultiTaskModel model = MultiTaskModel.create(ModelConfig.defaults()
        .withEmbeddingDim(8).withExperts(2, 8).withTowerSize(4).withAffinity(0.05, 64),
        LearnerStreams.TASKS);
    assertThat(model.affinity("ctr", "rating")).isZero();
    for (List<LabelledExample> batch : LearnerStreams.batches(1, 100, 8)) {
      model.learn(batch);
    }

    // Then both ordered pairs have a measured value in [-1, 1], readable both ways
    assertThat(model.affinities()).containsOnlyKeys("ctr", "rating");
    assertThat(model.affinity("ctr", "rating")).isBetween(-1.0, 1.0).isNotZero();
    assertThat(model.affinity("rating", "ctr")).isBetween(-1.0, 1.0).isNotZero();
    assertThat(model.affinities().get("ctr").get("rating"))
        .isEqualTo(model.affinity("ctr", "rating"));
    assertThat(model.affinity("ctr", "ctr")).isZero();
    assertThatThrownBy(() -> model.affinity("ctr", "nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope'");
  }

  @Test
  void createShouldRejectBadTaskLists() {
    ModelConfig config = ModelConfig.defaults();
    assertThatThrownBy(() -> MultiTaskModel.create(config, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    assertThatThrownBy(() -> MultiTaskModel.create(config,
        List.of(TaskSpec.binary("a"), TaskSpec.binary("a"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
    assertThatThrownBy(() -> MultiTaskModel.create(
        config.withWeighting(ModelConfig.Weighting.FIXED, Map.of("other", 2.0)),
        List.of(TaskSpec.binary("a"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taskWeights.other");
  }

  @Test
  void shouldRejectAnUnknownTaskBesideAValidLabelAndAnOutOfRangeLabelBeforeAnyUpdate() {
    // Given a model, and events whose label maps hold a valid label beside a bad one
    MultiTaskModel model = MultiTaskModel.create(ModelConfig.defaults().withEmbeddingDim(4),
        LearnerStreams.TASKS);
    byte[] before = model.exportDense();
    LabelledExample unknown = new LabelledExample(Example.of("u1", "i1"),
        Map.of("ctr", 1.0, "conversion", 1.0));
    LabelledExample outOfRange = new LabelledExample(Example.of("u1", "i1"),
        Map.of("ctr", 1.0, "rating", 9.0));

    // When / Then each is rejected naming the event, the task and the rule, and nothing changed
    assertThatThrownBy(() -> model.learn(List.of(LabelledExample.of(Example.of("u2", "i2"),
        "ctr", 0), unknown)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch[1]: task 'conversion' is unknown");
    assertThatThrownBy(() -> model.learn(List.of(outOfRange)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch[0]: label for task 'rating' is 9.0, outside its");
    assertThat(model.exportDense()).containsExactly(before);
  }

  @Test
  void unknownRowTableShouldBeRejected() {
    MultiTaskModel model = MultiTaskModel.create(ModelConfig.defaults(), LearnerStreams.TASKS);
    assertThatThrownBy(() -> model.importRow(new RowKey("ctx.nope", "x"), new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ctx.nope");
  }

  @Test
  void singleTaskModelShouldLearnAndPredict() {
    MultiTaskModel model = MultiTaskModel.create(ModelConfig.defaults().withEmbeddingDim(4),
        List.of(TaskSpec.regression("score", 0, 10)));
    for (int i = 0; i < 200; i++) {
      model.learn(List.of(LabelledExample.of(Example.of("a", "b"), "score", 8)));
    }
    assertThat(model.predict(List.of(Example.of("a", "b"))).get(0).get("score"))
        .isCloseTo(8.0, within(0.5));
  }

  @Test
  void tableNamesShouldBeTheTablesOfTheModelTheConfigurationBuilds() {
    // Given a configuration with two categorical context fields
    ModelConfig config = small(ModelConfig.Architecture.MMOE)
        .withContextFields(List.of("device", "country"), List.of("hour"));

    // When the table names are asked of the configuration alone
    var names = MultiTaskModel.tableNames(config);

    // Then they are the tables a model built from it reports
    assertThat(names).containsExactly("ctx.country", "ctx.device", "item", "user");
    assertThat(names).isEqualTo(
        new java.util.TreeSet<>(MultiTaskModel.create(config, LearnerStreams.TASKS).stats()
            .tables().keySet()));
  }
}
