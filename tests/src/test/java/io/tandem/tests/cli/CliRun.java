package io.tandem.tests.cli;

import io.tandem.streams.cli.TandemCli;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * What one in-process {@code tandem ...} invocation printed and returned.
 *
 * @param exitCode the command's exit code
 * @param out      everything written to standard output
 * @param err      everything written to standard error
 */
record CliRun(int exitCode, String out, String err) {

  /** Runs {@code tandem args...} in this JVM with captured output. */
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TandemCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
