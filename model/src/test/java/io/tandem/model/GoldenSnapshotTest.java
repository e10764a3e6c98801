package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reads the checked-in golden snapshot (format version 1) and checks that this build predicts
 * exactly what the writing build predicted (stored as raw double bits next to it).
 *
 * <p>Regenerate only on purpose (a format or model change), then review the diff:
 * {@code mvn -pl model test -Dtest=GoldenSnapshotTest -Dtandem.golden.write=true}. The writer
 * trains an MMoE (dim 8, 3 experts x 16, Adagrad) on 60 seeded batches of 16 events.
 */
class GoldenSnapshotTest {

  private static final String SNAPSHOT = "/golden/model-v1.snapshot";
  private static final String PREDICTIONS = "/golden/model-v1.predictions.txt";
  private static final Path SOURCE = Path.of("src/test/resources/golden");

  @Test
  void goldenSnapshotShouldLoadAndPredictExactlyAsWhenItWasWritten() throws IOException {
    // Given the checked-in snapshot and its recorded predictions
    MultiTaskModel model;
    try (InputStream in = GoldenSnapshotTest.class.getResourceAsStream(SNAPSHOT)) {
      assertThat(in).as("resource " + SNAPSHOT).isNotNull();
      model = MultiTaskModel.readSnapshot(in);
    }
    List<String> expected;
    try (InputStream in = GoldenSnapshotTest.class.getResourceAsStream(PREDICTIONS)) {
      assertThat(in).as("resource " + PREDICTIONS).isNotNull();
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }

    // Then version and every prediction bit match
    assertThat(model.version()).isEqualTo(60);
    assertThat(predictionLines(model)).containsExactlyElementsOf(expected);
  }

  @Test
  @EnabledIfSystemProperty(named = "tandem.golden.write", matches = "true")
  void writeGoldenFiles() throws IOException {
    ModelConfig config = ModelConfig.defaults().withEmbeddingDim(8).withExperts(3, 16)
        .withTowerSize(8).withSeed(2024);
    MultiTaskModel model = MultiTaskModel.create(config, LearnerStreams.TASKS);
    for (List<LabelledExample> batch : LearnerStreams.batches(2024, 60, 16)) {
      model.learn(batch);
    }
    Files.createDirectories(SOURCE);
    try (OutputStream out = Files.newOutputStream(SOURCE.resolve("model-v1.snapshot"))) {
      model.writeSnapshot(out);
    }
    Files.write(SOURCE.resolve("model-v1.predictions.txt"), predictionLines(model),
        StandardCharsets.UTF_8);
  }

  /** One line per probe example and task: user, item, task, raw bits of the score in hex. */
  private static List<String> predictionLines(MultiTaskModel model) {
    List<Example> probe = new ArrayList<>();
    for (int u = 0; u < 6; u++) {
      probe.add(Example.of("u" + u, "i" + (u * 7 % 30)));
    }
    probe.add(Example.of("unseen-user", "unseen-item"));
    List<String> lines = new ArrayList<>();
    List<Map<String, Double>> scores = model.predict(probe);
    for (int i = 0; i < probe.size(); i++) {
      for (Map.Entry<String, Double> e : scores.get(i).entrySet()) {
        lines.add(probe.get(i).user() + " " + probe.get(i).item() + " " + e.getKey() + " "
            + Long.toHexString(Double.doubleToRawLongBits(e.getValue())));
      }
    }
    return lines;
  }
}
