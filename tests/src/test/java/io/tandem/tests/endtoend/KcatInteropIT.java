package io.tandem.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with {@code kcat}, using the commands of README.md's "Producing with kcat": events
 * produced as {@code user<TAB>json} lines with {@code -K$'\t'} are each answered by exactly one
 * prediction that {@code kcat -C} can read. Skipped when {@code kcat} is not on the PATH.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KcatInteropIT {

  private static final int EVENTS = 200;
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final long KCAT_SECONDS = 30;

  @TempDir
  Path stateDir;

  @Test
  void shouldAnswerEveryKcatProducedEventOnceReadableByKcat() throws Exception {
    // Given: kcat on the PATH, Tandem's topics and a running app
    assumeTrue(onPath("kcat"), "kcat is not on the PATH (Debian package kcat)");
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String events = "kcat-events-" + suffix;
    String predictions = "kcat-predictions-" + suffix;
    String applicationId = "kcat-app-" + suffix;
    SharedKafka.createTopics(2, events, "kcat-requests-" + suffix, predictions,
        "kcat-dead-letter-" + suffix);
    String bootstrap = SharedKafka.bootstrapServers();
    TandemConfig config = TandemConfig.defaults()
        .with("bootstrap.servers", bootstrap)
        .with("application.id", applicationId)
        .with("state.dir", stateDir.toString())
        .with("commit.interval.ms", "200")
        .with("topics.events", events)
        .with("topics.requests", "kcat-requests-" + suffix)
        .with("topics.predictions", predictions)
        .with("topics.dead-letter", "kcat-dead-letter-" + suffix)
        .with("topics.transfer-updates", applicationId + "-transfer-updates")
        .with("topics.tasks", applicationId + "-tasks")
        .with("topics.partitions", "2");
    StringBuilder lines = new StringBuilder();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      String user = "u" + (i % 17);
      ids.add("k-" + i);
      lines.append(user).append('\t').append("{\"id\":\"k-").append(i)
          .append("\",\"task\":\"ctr\",\"user\":\"").append(user).append("\",\"item\":\"i")
          .append(i % 23).append("\",\"label\":").append(i % 2).append(",\"ts\":")
          .append(1_764_300_000_000L + i).append("}\n");
    }

    try (TandemApp app = TandemRun.start(config, new SimpleMeterRegistry())) {
      // When: the events are produced with kcat -P -K$'\t'
      String produced = kcat(lines.toString(), "-b", bootstrap, "-t", events, "-P", "-K\t");
      assertThat(produced).isEmpty();
      SharedKafka.consume(predictions, EVENTS, WAIT);
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);

      // Then: kcat -C reads exactly one prediction per event id, keyed by user
      String consumed = kcat("", "-b", bootstrap, "-t", predictions, "-C", "-o", "beginning",
          "-e", "-K\t", "-X", "isolation.level=read_committed");
      List<String> predicted = new ArrayList<>();
      for (String line : consumed.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        assertThat(tab).as("key separator in %s", line).isPositive();
        String json = line.substring(tab + 1);
        String marker = "\"id\":\"";
        int start = json.indexOf(marker) + marker.length();
        predicted.add(json.substring(start, json.indexOf('"', start)));
      }
      assertThat(predicted).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** Runs kcat with {@code stdin}, returns its standard output; fails on a non-zero exit. */
  private static String kcat(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("kcat");
    command.addAll(List.of(args));
    Path out = Files.createTempFile("kcat", ".out");
    Path err = Files.createTempFile("kcat", ".err");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
          .redirectError(err.toFile()).start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(KCAT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("kcat " + String.join(" ", args) + " did not finish within " + KCAT_SECONDS + " s");
      }
      assertThat(process.exitValue()).as("kcat exit code; stderr: %s", Files.readString(err))
          .isZero();
      return Files.readString(out);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
