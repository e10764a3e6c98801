package io.tandem.streams.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.model.Example;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionSource;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.streams.learning.PrequentialTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrequentialReplayTest {

  private static final int BATCH = 64;
  private static final int MAX_RECORD_BYTES = 65_536;
  private static final double SCORE_TOLERANCE = 0.0;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A seeded generated stream of {@code n} events, with context, as contract JSON lines. */
  private static List<GeneratedEvent> generated(int n) {
    GeneratorConfig config =
        GeneratorConfig.defaults().withSeed(3).withEvents(n / 2, n - n / 2).withContext(true);
    List<GeneratedEvent> events = new ArrayList<>(n);
    StreamGenerator.stream(config).forEach(events::add);
    return events;
  }

  private static String line(GeneratedEvent e) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", e.id());
    json.put("task", e.task());
    json.put("user", e.user());
    json.put("item", e.item());
    json.put("label", e.label() == Math.rint(e.label()) ? (Object) (long) e.label() : e.label());
    json.put("ts", e.ts());
    json.put("context", e.context());
    return JSON.writeValueAsString(json);
  }

  private static String file(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }

  private static MultiTaskModel model(long seed) {
    return MultiTaskModel.create(
        ModelConfig.defaults().withSeed(seed).withContextFields(List.of("device"), List.of("hour")),
        StreamGenerator.TASKS);
  }

  /** The output of one replay plus its report. */
  private record Run(ReplayReport report, byte[] predictions, byte[] rejects) {
    List<String> predictionLines() {
      return new String(predictions, StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** A replay of {@code model} in batches of {@value #BATCH}, its tasks declared as the model's. */
  private static PrequentialReplay replayOf(MultiTaskModel model) {
    List<TaskDeclaration> declarations = new ArrayList<>();
    for (TaskSpec task : model.tasks()) {
      declarations.add(task.kind() == TaskKind.BINARY
          ? TaskDeclaration.binary(task.name(), 1.0)
          : TaskDeclaration.regression(task.name(), task.labelMin(), task.labelMax(), 1.0));
    }
    TaskCatalog catalog = TaskCatalog.of(declarations);
    return new PrequentialReplay(Codecs.labelledEvents(catalog), new PrequentialTrainer(model), BATCH, MAX_RECORD_BYTES);
  }

  private static Run replay(String input, MultiTaskModel model) throws IOException {
    PrequentialReplay replay = replayOf(model);
    ByteArrayOutputStream predictions = new ByteArrayOutputStream();
    ByteArrayOutputStream rejects = new ByteArrayOutputStream();
    ReplayReport report =
        replay.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), predictions,
            rejects, lines -> { });
    return new Run(report, predictions.toByteArray(), rejects.toByteArray());
  }

  private static Prediction decode(String line) {
    Decoded<Prediction> decoded = Codecs.predictions().decode(line.getBytes(StandardCharsets.UTF_8));
    assertThat(decoded).as(line).isInstanceOf(Decoded.Valid.class);
    return ((Decoded.Valid<Prediction>) decoded).value();
  }

  @Test
  void shouldReportAFailingPredictionsStreamInsteadOfHanging() throws IOException {
    // Given 3,000 events (47 batches, more than the writer's queue holds) and a predictions
    // stream that fails on its 100th write
    List<String> lines = new ArrayList<>();
    for (GeneratedEvent e : generated(3_000)) {
      lines.add(line(e));
    }
    OutputStream failing = new OutputStream() {
      private int writes;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (++writes == 100) {
          throw new IOException("disk full");
        }
      }
    };
    PrequentialReplay replay = replayOf(model(1));

    // When the replay runs, then the writer's failure surfaces as the run's own IOException
    assertThatThrownBy(() -> replay.run(
        new ByteArrayInputStream(file(lines).getBytes(StandardCharsets.UTF_8)), failing, null,
        done -> { }))
        .isInstanceOf(IOException.class)
        .hasMessage("disk full");
  }

  @Test
  void shouldWriteOneValidPredictionPerEventInInputOrder() throws IOException {
    // Given 3,000 generated events
    List<GeneratedEvent> events = generated(3_000);
    List<String> lines = new ArrayList<>();
    for (GeneratedEvent e : events) {
      lines.add(line(e));
    }

    // When they are replayed in micro-batches of 64
    Run run = replay(file(lines), model(1));

    // Then there is exactly one prediction per event, same order and ids, source "event", every
    // task scored, made by the version before the event's batch was learned
    List<String> out = run.predictionLines();
    assertThat(out).hasSize(events.size());
    for (int i = 0; i < events.size(); i++) {
      Prediction p = decode(out.get(i));
      assertThat(p.id()).isEqualTo(events.get(i).id());
      assertThat(p.user()).isEqualTo(events.get(i).user());
      assertThat(p.source()).isEqualTo(PredictionSource.EVENT);
      assertThat(p.scores()).containsOnlyKeys("ctr", "preference");
      assertThat(p.modelVersion()).isEqualTo(i / BATCH);
    }
    assertThat(run.report().events()).isEqualTo(3_000);
    assertThat(run.report().lines()).isEqualTo(3_000);
    assertThat(run.report().rejected()).isZero();
    assertThat(run.report().modelVersion()).isEqualTo((3_000 + BATCH - 1) / BATCH);
    long ctr = events.stream().filter(e -> e.task().equals("ctr")).count();
    assertThat(run.report().overall().get("ctr").count()).isEqualTo(ctr);
    assertThat(run.report().overall().get("preference").count()).isEqualTo(3_000 - ctr);
  }

  @Test
  void shouldPredictEachBatchBeforeLearningFromIt() throws IOException {
    // Given the first batch of a stream and an untouched twin of the replayed model
    List<GeneratedEvent> events = generated(BATCH * 2);
    List<String> lines = new ArrayList<>();
    for (GeneratedEvent e : events) {
      lines.add(line(e));
    }
    MultiTaskModel twin = model(2);
    List<Example> firstBatch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      firstBatch.add(events.get(i).toExample());
    }
    List<Map<String, Double>> untrained = twin.predict(firstBatch);

    // When the stream is replayed
    List<String> out = replay(file(lines), model(2)).predictionLines();

    // Then the first batch's scores are those of the untrained model: made before learning
    for (int i = 0; i < BATCH; i++) {
      Prediction p = decode(out.get(i));
      assertThat(p.scores().get("ctr")).isCloseTo(untrained.get(i).get("ctr"), within(SCORE_TOLERANCE));
      assertThat(p.scores().get("preference"))
          .isCloseTo(untrained.get(i).get("preference"), within(SCORE_TOLERANCE));
    }
    // And the second batch's come from a model that has learned once, so they differ
    assertThat(decode(out.get(BATCH)).modelVersion()).isEqualTo(1);
  }

  @Test
  void shouldReportInvalidLinesWithTheirNumbersAndKeepGoing() throws IOException {
    // Given 200 valid events with four bad lines among them (lines 5, 10, 15 and 20)
    List<GeneratedEvent> events = generated(200);
    List<String> lines = new ArrayList<>();
    for (GeneratedEvent e : events) {
      lines.add(line(e));
    }
    lines.add(4, "{not json");
    lines.add(9, line(events.get(0)).replace("\"task\":\"" + events.get(0).task() + "\"",
        "\"task\":\"conversion\""));
    lines.add(14, "{\"id\":\"e-x\",\"task\":\"ctr\",\"user\":\"u1\",\"item\":\"i1\",\"label\":3,\"ts\":1}");
    lines.add(19, "{\"id\":\"" + "x".repeat(MAX_RECORD_BYTES) + "\"}");

    // When replayed
    Run run = replay(file(lines), model(3));

    // Then each bad line is reported with its number and reason, and every valid event predicted
    assertThat(run.report().rejected()).isEqualTo(4);
    assertThat(run.report().events()).isEqualTo(200);
    assertThat(run.report().lines()).isEqualTo(204);
    assertThat(run.report().firstRejections()).extracting(RejectedLine::line)
        .containsExactly(5L, 10L, 15L, 20L);
    assertThat(run.report().firstRejections().get(1).message()).contains("conversion");
    assertThat(run.report().firstRejections().get(2).message()).contains("label");
    assertThat(run.report().firstRejections().get(3).reason()).isEqualTo("oversized");
    assertThat(run.predictionLines()).hasSize(200);
    // And the rejects stream holds one JSON object per bad line, with the original record
    String[] rejects = new String(run.rejects(), StandardCharsets.UTF_8).split("\n");
    assertThat(rejects).hasSize(4);
    JsonNode first = JSON.readTree(rejects[0]);
    assertThat(first.get("line").asLong()).isEqualTo(5);
    assertThat(first.get("record").asText()).isEqualTo("{not json");
  }

  @Test
  void shouldWriteByteIdenticalPredictionsForTheSameInputAndSeed() throws IOException {
    List<String> lines = new ArrayList<>();
    for (GeneratedEvent e : generated(2_000)) {
      lines.add(line(e));
    }
    String input = file(lines);

    byte[] first = replay(input, model(7)).predictions();
    byte[] second = replay(input, model(7)).predictions();
    byte[] otherSeed = replay(input, model(8)).predictions();

    assertThat(second).isEqualTo(first);
    assertThat(otherSeed).isNotEqualTo(first);
  }
}
