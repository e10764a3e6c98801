package io.tandem.streams.cli;

import io.tandem.streams.broker.BrokerStartException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr and exit code {@link #USAGE_OR_INPUT} (2), so a user
 * never sees a stack trace for bad flags, bad configuration, a taken port or a missing file. Set
 * the system property {@code tandem.stacktrace=true} (e.g. {@code
 * JAVA_OPTS=-Dtandem.stacktrace=true ./tandem ...}) to also print the stack trace when debugging.
 */
final class CliErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

  /** Exit code of every reported error. */
  static final int USAGE_OR_INPUT = 2;

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = String.valueOf(ex.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ");
    err.println(prefix(cmd) + message + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    err.flush();
    return USAGE_OR_INPUT;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    err.println(prefix(cmd) + describe(ex));
    if (Boolean.getBoolean("tandem.stacktrace")) {
      ex.printStackTrace(err);
    }
    err.flush();
    return USAGE_OR_INPUT;
  }

  /** The one-line description of a failure: the message for known kinds, class and message
   * otherwise. */
  static String describe(Throwable ex) {
    if (ex instanceof NoSuchFileException e) {
      return "file not found: " + e.getFile();
    }
    if (ex instanceof AccessDeniedException e) {
      return "permission denied: " + e.getFile();
    }
    if (ex instanceof UncheckedIOException e && e.getCause() != null) {
      return describe(e.getCause());
    }
    boolean known = ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
        || ex instanceof KafkaException || ex instanceof BrokerStartException || ex instanceof IOException;
    String message = ex.getMessage() == null ? "" : ex.getMessage().replace('\n', ' ');
    if (ex instanceof KafkaException && ex.getCause() != null && ex.getCause().getMessage() != null
        && !message.contains(ex.getCause().getMessage())) {
      message = message + ": " + ex.getCause().getMessage().replace('\n', ' ');
    }
    return known && !message.isEmpty() ? message : ex.getClass().getSimpleName() + ": " + message;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName() + ": ";
  }
}
