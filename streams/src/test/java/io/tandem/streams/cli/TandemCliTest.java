package io.tandem.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TandemCliTest {

  /** What a command printed and returned. */
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TandemCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void shouldListEveryCommandInHelp() {
    Run run = run("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Commands:");
    for (String command : TandemCli.commandLine(new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter())).getSubcommands().keySet()) {
      assertThat(run.out()).containsPattern("(?m)^  " + command + "\\b");
    }
    assertThat(run.out()).containsPattern("(?m)^  demo ").containsPattern("(?m)^  broker ")
        .containsPattern("(?m)^  run ").containsPattern("(?m)^  generate ").containsPattern("(?m)^  replay ")
        .containsPattern("(?m)^  learn ").containsPattern("(?m)^  evaluate ").containsPattern("(?m)^  config ");
  }

  @Test
  void shouldReportAnUnknownFlagOnOneLineWithExitCodeTwo() {
    Run run = run("replay", "--bogus", "x.jsonl");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n")
        .isEqualTo("tandem replay: Unknown option: '--bogus' (see 'tandem replay --help')");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldReportAnUnknownCommandOnOneLine() {
    Run run = run("fly");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").startsWith("tandem: Unmatched argument at index 0: 'fly'");
  }

  @Test
  void shouldRequireACommand() {
    Run run = run();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").startsWith("tandem: missing command: choose one of ");
  }

  @Test
  void shouldReportAnInvalidSettingOnOneLineNamingKeyValueAndRule() {
    Run run = run("config", "--set", "task.ctr.weight=-1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo(
        "tandem config: Invalid value -1.0 for configuration task.ctr.weight: must be a finite number > 0");
  }

  @Test
  void shouldRejectASetWithoutEquals() {
    Run run = run("config", "--set", "http.port");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").startsWith("tandem config: Value for option option '--set' (KEY=VALUE) should be in KEY=VALUE format")
        .endsWith("but was http.port (see 'tandem config --help')");
  }

  @Test
  void shouldPrintTheEffectiveConfigurationWithOverrides() {
    Run run = run("config", "--set", "http.port=9000", "--set", "bootstrap.servers=k:9092");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("http.port=9000\n", "bootstrap.servers=k:9092\n", "task.ctr.type=binary\n");
  }

  @Test
  void shouldListTheConfigurationReference() {
    Run run = run("config", "--list");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("| Key | Type | Default | Valid values | Description |")
        .contains("| `topics.dead-letter` |", "| `task.<name>.weight` |");
  }

  @Test
  void shouldNameAMissingReplayFile(@TempDir Path dir) {
    Path missing = dir.resolve("missing.jsonl");

    Run run = run("replay", missing.toString(), "--bootstrap-servers", "127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("tandem replay: file not found: " + missing);
  }

  @Test
  void shouldRejectAnOutOfRangeBrokerPortBeforeStarting() {
    Run run = run("broker", "--port", "70000");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("tandem broker: port: must be in 0..65535 (0 = any free port), got 70000");
  }

  @Test
  void shouldRejectANonNumericPort() {
    Run run = run("broker", "--port", "ninety");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).doesNotContain("\n").contains("'ninety'").contains("--port");
  }

  @Test
  void shouldRefuseToRunWithoutBootstrapServers() {
    Run run = run("run");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("tandem run: bootstrap.servers is not set: pass --bootstrap-servers "
        + "HOST:PORT, --set bootstrap.servers=HOST:PORT, or put it in the --config file");
  }

  @Test
  void shouldRequireExactlyOneDestinationForGenerate(@TempDir Path dir) {
    Run none = run("generate");
    Run both = run("generate", "--out", dir.resolve("a.jsonl").toString(), "--topic", "t");

    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err().strip()).doesNotContain("\n").startsWith("tandem generate: Error: Missing required argument");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err().strip()).doesNotContain("\n").contains("mutually exclusive");
  }

  @Test
  void shouldGenerateThenEvaluateTheOracleAsAPerfectlyCalibratedPredictor(@TempDir Path dir) throws Exception {
    // Given a small generated stream and its truth
    Path events = dir.resolve("e.jsonl");
    Path truth = dir.resolve("t.jsonl");
    Run generated = run("generate", "--seed", "3", "--ctr-events", "2000", "--preference-events", "500",
        "--out", events.toString(), "--truth", truth.toString());
    assertThat(generated.exitCode()).as(generated.err()).isZero();

    // And "predictions" that are the truth itself
    Path predictions = dir.resolve("p.jsonl");
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(truth)) {
      String id = line.substring(line.indexOf("\"id\":\"") + 6, line.indexOf("\",\"task\""));
      String task = line.contains("\"task\":\"ctr\"") ? "ctr" : "preference";
      String value = line.substring(line.indexOf("\"truth\":") + 8, line.length() - 1);
      lines.add("{\"id\":\"" + id + "\",\"source\":\"event\",\"scores\":{\"" + task + "\":" + value + "}}");
    }
    Files.write(predictions, lines);

    // When
    Run evaluated = run("evaluate", "--predictions", predictions.toString(), "--truth", truth.toString(),
        "--window", "1000");

    // Then model and oracle columns agree, and the oracle matches what generate printed
    assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
    assertThat(evaluated.out()).contains("Evaluated 2,500 events").contains("(0 without a prediction");
    String ctrRow = evaluated.out().lines().filter(l -> l.startsWith("  ctr ")).findFirst().orElseThrow();
    String[] c = ctrRow.trim().split(" +");
    assertThat(c[2]).isEqualTo(c[3]);
    assertThat(c[4]).isEqualTo(c[5]);
    assertThat(c[8]).isEqualTo("0.000");
    String generatedAuc = generated.out().replaceAll("(?s).*ctr click rate [0-9.]+, AUC ([0-9.]+),.*", "$1");
    assertThat(Double.parseDouble(c[2])).isCloseTo(Double.parseDouble(generatedAuc), offset(0.0005));
    assertThat(evaluated.out()).contains("Per window");
  }

  @Test
  void shouldNameATakenPortOnOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();

      Run run = run("broker", "--port", Integer.toString(port));

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err().strip()).isEqualTo("tandem broker: port " + port + " on 127.0.0.1 is already in use; "
          + "pick another with --port, or --port 0 for any free port");
    }
  }
}
