package io.tandem.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Option checks of {@code tandem declare-task} (the Kafka path is covered by the onboarding IT). */
class DeclareTaskCommandTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TandemCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void shouldRejectARegressionWithoutItsRangeBeforeTouchingKafka() {
    // When a regression task is declared without --min/--max (against an unused address)
    Run run = run("declare-task", "--name", "rating", "--type", "regression",
        "--bootstrap-servers", "127.0.0.1:1");

    // Then the contract's rule is reported in one line, exit code 2
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("min/max: required for regression task 'rating'");
  }

  @Test
  void shouldRejectAnUnknownTypeAndANameNoModelTaskMayHave() {
    // When the type is misspelt, or the name has upper case
    Run badType = run("declare-task", "--name", "conversion", "--type", "binry");
    Run badName = run("declare-task", "--name", "Conversion", "--type", "binary");

    // Then each error names the option or the rule
    assertThat(badType.code()).isEqualTo(2);
    assertThat(badType.err()).contains("--type: must be binary or regression, got 'binry'");
    assertThat(badName.code()).isEqualTo(2);
    assertThat(badName.err()).contains("task name: must match");
  }

  @Test
  void shouldBeListedAmongTheSubcommands() {
    // When the CLI's help is printed, Then declare-task is one of its commands
    assertThat(run("--help").out()).contains("declare-task");
  }
}
