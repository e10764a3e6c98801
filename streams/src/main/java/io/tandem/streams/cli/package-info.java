/**
 * The {@code tandem} command line (picocli): {@link io.tandem.streams.cli.TandemCli} and one class
 * per subcommand. Commands only parse options, wire components and print; the work happens in the
 * packages they call. Every error reaches the user as one line on stderr with exit code 2 ({@link
 * io.tandem.streams.cli.TandemCli}).
 */
package io.tandem.streams.cli;
