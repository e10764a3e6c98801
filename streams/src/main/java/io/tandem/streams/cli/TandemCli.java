package io.tandem.streams.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code tandem} command: entry point of {@code streams/target/tandem.jar} and of the {@code
 * ./tandem} launcher. {@code tandem --help} lists the subcommands.
 *
 * <p>{@link #main(String[])} only builds the command line and exits with its code; tests use {@link
 * #commandLine(PrintWriter, PrintWriter)} and {@link CommandLine#execute(String...)} with captured
 * output.
 */
@Command(
    name = "tandem",
    mixinStandardHelpOptions = true,
    versionProvider = TandemCli.Version.class,
    description = "Online multi-task learning inside Kafka Streams.",
    subcommands = {
        DemoCommand.class,
        BrokerCommand.class,
        RunCommand.class,
        ServeCommand.class,
        GenerateCommand.class,
        ReplayCommand.class,
        DeclareTaskCommand.class,
        LearnCommand.class,
        EvaluateCommand.class,
        ConfigCommand.class,
        CommandLine.HelpCommand.class
    },
    footer = {"", "Start with `tandem demo`. Each command has --help."})
public final class TandemCli implements Runnable {

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits the JVM with its exit code (0 success, 2 error). */
  public static void main(String[] args) {
    CommandLine cmd = commandLine(
        new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    System.exit(cmd.execute(args));
  }

  /**
   * A fully configured command line writing to {@code out} and {@code err}: one-line errors, exit
   * code 2.
   *
   * @param out normal output
   * @param err errors
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CliErrors errors = new CliErrors();
    CommandLine cmd = new CommandLine(new TandemCli());
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setParameterExceptionHandler(errors);
    cmd.setExecutionExceptionHandler(errors);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    return cmd;
  }

  /** {@code tandem} without a subcommand prints the usage and fails: a subcommand is required. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: choose one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = TandemCli.class.getPackage().getImplementationVersion();
      return new String[] {"tandem " + (v == null ? "development build" : v)};
    }
  }
}
