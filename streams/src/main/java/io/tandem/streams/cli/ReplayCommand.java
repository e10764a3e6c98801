package io.tandem.streams.cli;

import io.tandem.streams.io.JsonLinesReader;
import io.tandem.streams.io.JsonLinesReplayer;
import io.tandem.streams.io.ProgressBar;
import io.tandem.streams.io.TopicSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tandem replay FILE.jsonl}: produce a JSON-lines file to a topic with a progress bar. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {
        "Produce every line of a JSON-lines file to a topic, in order, bytes untouched; key = the line's \"user\".",
        "Shows a progress bar (done/total, records/s)."})
final class ReplayCommand implements Callable<Integer> {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "One JSON record per line.")
  private Path file;

  @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "tandem.events",
      description = "Destination topic (default: ${DEFAULT-VALUE}).")
  private String topic;

  @Mixin
  private ProducerOptions client;

  @Option(names = "--create-topic", paramLabel = "PARTITIONS",
      description = "Create the topic with this many partitions if it does not exist (else a missing topic is an "
          + "error).")
  private Integer createPartitions;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    Properties props = client.clientProperties(Map.of());
    TopicSetup.ensureExists(props, topic, createPartitions, ADMIN_TIMEOUT);
    long total = JsonLinesReader.countLines(file);
    ProgressBar bar = new ProgressBar(out, total, System.console() != null, System::nanoTime);
    AtomicLong done = new AtomicLong();
    JsonLinesReplayer.Result result = JsonLinesReplayer.replay(file, topic, props, n -> {
      done.set(n);
      synchronized (bar) {
        bar.update(n);
      }
    });
    synchronized (bar) {
      bar.finish(done.get());
    }
    out.printf(Locale.ROOT, "Replayed %,d records (%,d bytes) from %s to %s on %s in %.2f s: %,.0f records/s%n",
        result.records(), result.bytes(), file, topic, client.bootstrapServers(), result.elapsed().toMillis() / 1000.0,
        result.recordsPerSecond());
    out.flush();
    return 0;
  }
}
