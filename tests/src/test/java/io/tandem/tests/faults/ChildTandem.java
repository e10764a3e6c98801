package io.tandem.tests.faults;

import io.tandem.streams.cli.TandemCli;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tandem run} in a child JVM, so that a test can end it with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux) exactly as an operator's {@code kill -9} would:
 * no shutdown hook, no commit, no leave-group.
 *
 * <p>The child runs {@code java -Xmx<heap> -cp <this JVM's class path> io.tandem.streams.cli.TandemCli
 * run --report-every 0 --set k=v ...} with {@code OMP_NUM_THREADS=1}; its standard output and
 * error go to a log file (the test class path carries {@code log4j2-test.xml}, so Tandem logs at
 * INFO there). Not thread-safe: one test thread drives it.
 */
final class ChildTandem implements AutoCloseable {

  private static final Pattern HTTP_PORT = Pattern.compile("HTTP on http://[^:]+:(\\d+)");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);
  private static final int SIGTERM_EXIT = 128 + 15;

  private final String name;
  private final Process process;
  private final Path log;

  private ChildTandem(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code tandem run} with every entry of {@code settings} as a {@code --set}.
   *
   * @param name     a label for messages and the log file name
   * @param settings Tandem and Kafka settings (e.g. {@code TandemConfig#values()})
   * @param heap     the child's {@code -Xmx}, e.g. {@code "512m"}
   * @param logDir   where {@code <name>.log} is written
   */
  static ChildTandem start(String name, Map<String, String> settings, String heap, Path logDir) {
    List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx" + heap,
        "-XX:+UseSerialGC", "-cp", testClassPath(), TandemCli.class.getName(), "run",
        "--report-every", "0"));
    settings.forEach((k, v) -> {
      command.add("--set");
      command.add(k + "=" + v);
    });
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("OMP_NUM_THREADS", "1");
    try {
      return new ChildTandem(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start child JVM " + name + ": " + command, e);
    }
  }

  /** The class path of this (test) JVM; Surefire/Failsafe set {@code java.class.path} to it. */
  static String testClassPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    String path = surefire != null && !surefire.isBlank() ? surefire
        : System.getProperty("java.class.path");
    if (!path.contains(File.pathSeparator)) {
      throw new IllegalStateException("expected a multi-entry class path, got " + path);
    }
    return path;
  }

  /** The {@code java} launcher of this JVM. */
  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** SIGKILL: the child gets no chance to commit, flush or leave its group; waits until it is gone. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL for " + STOP_TIMEOUT);
    }
  }

  /**
   * SIGTERM: Tandem's shutdown hook closes Kafka Streams cleanly (commit, leave group). Waits for
   * the exit and checks that the hook ran ({@code tandem run} prints "Stopping ...") and the JVM
   * ended as a SIGTERM-ed JVM does (exit code 143 = 128 + 15, or 0).
   *
   * @throws AssertionError if the child does not stop in time or did not stop cleanly
   */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not stop within " + STOP_TIMEOUT + " of SIGTERM; log:\n"
          + tail(40));
    }
    int code = process.exitValue();
    if ((code != 0 && code != SIGTERM_EXIT) || !log().contains("Stopping ...")) {
      throw new AssertionError(name + " did not stop cleanly on SIGTERM (exit code " + code + "); log:\n"
          + tail(40));
    }
  }

  /** The child's output so far. */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last {@code lines} lines of the output, for failure messages. */
  String tail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** The HTTP port the child printed at start, once it has printed it. */
  OptionalInt httpPort() {
    Matcher m = HTTP_PORT.matcher(log());
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /**
   * The sum over all series of a Prometheus counter on the child's {@code /metrics}, e.g.
   * {@code tandem_events_trained_events_total}.
   *
   * @throws AssertionError if the scrape has no series of that name
   */
  double scrapeSum(String metric) throws IOException, InterruptedException {
    int port = httpPort().orElseThrow(() -> new AssertionError(name + " printed no HTTP port"));
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    double sum = 0;
    int series = 0;
    for (String line : response.body().lines().toList()) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        series++;
      }
    }
    if (series == 0) {
      throw new AssertionError(name + "'s /metrics has no series " + metric);
    }
    return sum;
  }

  /** Kills the child if it is still running (for a failed test's cleanup). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
