package io.tandem.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.model.transfer.TransferEvent.Action;
import io.tandem.model.transfer.TransferEvent.Kind;
import io.tandem.model.transfer.TransferEvent.Trigger;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LearnCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int learn(String... args) {
    CliErrors errors = new CliErrors();
    CommandLine cmd = new CommandLine(new LearnCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    cmd.setParameterExceptionHandler(errors);
    cmd.setExecutionExceptionHandler(errors);
    return cmd.execute(args);
  }

  /** Writes {@code n} generated events in the contract format, with {@code bad} inserted at line 3. */
  private Path eventsFile(int n, String bad) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    StreamGenerator.stream(GeneratorConfig.defaults().withSeed(4).withEvents(n / 2, n - n / 2))
        .forEach(
            (GeneratedEvent e) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("id", e.id());
              m.put("task", e.task());
              m.put("user", e.user());
              m.put("item", e.item());
              m.put("label", e.label() == Math.rint(e.label()) ? (Object) (long) e.label() : e.label());
              m.put("ts", e.ts());
              m.put("context", e.context());
              try {
                lines.add(json.writeValueAsString(m));
              } catch (IOException ex) {
                throw new IllegalStateException(ex);
              }
            });
    lines.add(2, bad);
    Path file = dir.resolve("events.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void shouldWritePredictionsAndReportRejectsAndMetrics() throws IOException {
    // Given 1,000 events with one malformed line at line 3
    Path events = eventsFile(1_000, "{\"id\":\"e-bad\",\"task\":\"ctr\"");
    Path predictions = dir.resolve("predictions.jsonl");
    Path rejects = dir.resolve("rejects.jsonl");

    // When
    int code = learn("--events", events.toString(), "--out", predictions.toString(),
        "--rejects", rejects.toString(), "--set", "learner.batch.size=32", "--set", "model.seed=5");

    // Then
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readAllLines(predictions)).hasSize(1_000);
    assertThat(Files.readAllLines(rejects)).hasSize(1).first().asString().contains("\"line\":3");
    assertThat(out.toString())
        .contains("Learned 1,000 events")
        .contains("model version 32")
        .contains("Rejected 1 of 1,001 lines")
        .contains("line 3:")
        .containsPattern("ctr +n=\\d+ +AUC 0\\.\\d{4}  logloss \\d\\.\\d{4}")
        .containsPattern("preference +n=\\d+ +RMSE \\d\\.\\d{4}  MAE \\d\\.\\d{4}");
  }

  @Test
  void shouldFailInOneLineForAMissingEventsFile() {
    int code = learn("--events", dir.resolve("nope.jsonl").toString(), "--out",
        dir.resolve("p.jsonl").toString());

    assertThat(code).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(err.toString()).contains("file not found").contains("nope.jsonl")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldNameAnInvalidSetting() throws IOException {
    Path events = eventsFile(10, "{}");

    int code = learn("--events", events.toString(), "--out", dir.resolve("p.jsonl").toString(),
        "--set", "model.embedding.dim=0");

    assertThat(code).isEqualTo(CliErrors.USAGE_OR_INPUT);
    assertThat(err.toString()).contains("model.embedding.dim").contains("0");
  }

  @Test
  void shouldTellWarningCandidatesFromDriftAlarmsInTheDriftSummary() {
    // Given a warning candidate rolled back, then a drift alarm whose transfer was promoted
    List<TransferEvent> transfers = List.of(
        transfer(Kind.STARTED, null, Trigger.DRIFT_WARNING),
        transfer(Kind.ROLLED_BACK, 0.25, Trigger.DRIFT_WARNING),
        transfer(Kind.DRIFT_DETECTED, null, Trigger.DRIFT),
        transfer(Kind.STARTED, null, Trigger.DRIFT),
        transfer(Kind.PROMOTED, 0.2, Trigger.DRIFT));

    // When summarised
    String summary = LearnCommand.driftSummary(transfers);

    // Then the warning is counted apart from the alarm, and singulars read as such
    assertThat(summary)
        .isEqualTo("1 alarm, 1 warning; transfers 2 started, 1 promoted, 1 rolled back");
    assertThat(LearnCommand.driftSummary(transfers.subList(0, 2)))
        .isEqualTo("0 alarms, 1 warning; transfers 1 started, 0 promoted, 1 rolled back");
  }

  private static TransferEvent transfer(Kind kind, Double candidateLoss, Trigger trigger) {
    return new TransferEvent(kind, "ctr", Action.TRANSFER,
        trigger == Trigger.DRIFT ? "adwin" : "adwin-warning", 1_000, List.of(), "logloss", 0.3,
        candidateLoss, 7, trigger);
  }
}
