package io.tandem.streams.cli;

import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.OracleReport;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.streams.io.KafkaClients;
import io.tandem.streams.io.ProgressBar;
import io.tandem.streams.io.RatePacer;
import io.tandem.streams.io.TopicSetup;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem generate}: the synthetic multi-task stream with ground truth, to a file or a
 * topic. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Generate a synthetic ctr (binary) + preference (rating 1..5) stream with known ground truth, to a JSON-lines "
            + "file or a topic, and print how well the truth itself scores (the oracle: the best any learner can do).",
        "The same options and seed give the same bytes."})
final class GenerateCommand implements Callable<Integer> {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(15);

  @Spec
  private CommandSpec spec;

  @Mixin
  private GeneratorOptions generator;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private Destination destination;

  /** Exactly one of a file or a topic. */
  static final class Destination {
    @Option(names = "--out", paramLabel = "FILE.jsonl", description = "Write the events to this file.")
    Path file;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Produce the events to this topic (key = user).")
    String topic;
  }

  @Option(names = "--truth", paramLabel = "TRUTH.jsonl",
      description = "Also write one {\"id\",\"task\",\"label\",\"truth\"} line per event (for `tandem evaluate`).")
  private Path truthFile;

  @Mixin
  private ProducerOptions client;

  @Option(names = "--create-topic", paramLabel = "PARTITIONS",
      description = "With --topic: create it with this many partitions if missing.")
  private Integer createPartitions;

  @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "0",
      description = "With --topic: at most this many events per second; 0 = as fast as possible (default).")
  private double rate;

  /** Where generated events go. */
  private interface Sink extends AutoCloseable {
    void accept(GeneratedEvent event) throws IOException;

    @Override
    void close() throws IOException;
  }

  @Override
  public Integer call() throws IOException {
    GeneratorConfig config = generator.toConfig();
    PrintWriter out = spec.commandLine().getOut();
    long total = config.totalEvents();
    ProgressBar bar = new ProgressBar(out, total, System.console() != null, System::nanoTime);
    long start = System.nanoTime();
    OracleReport oracle;
    long written;
    try (Sink events = destination.file != null ? fileSink(destination.file) : topicSink();
        OutputStream truth = truthFile == null ? OutputStream.nullOutputStream() : open(truthFile)) {
      Counting counting = new Counting(new StreamGenerator(config), event -> {
        events.accept(event);
        if (truthFile != null) {
          truth.write(GeneratedEventJson.truth(event));
          truth.write('\n');
        }
      }, bar);
      try {
        oracle = OracleReport.of(counting);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      written = counting.count;
    }
    bar.finish(written);
    double seconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "Generated %,d events (ctr %,d, preference %,d) to %s in %.2f s: %,.0f events/s%n",
        written, oracle.ctrEvents(), oracle.preferenceEvents(),
        destination.file != null ? destination.file : destination.topic + " on " + client.bootstrapServers(), seconds,
        written / Math.max(seconds, 1e-9));
    if (truthFile != null) {
      out.println("Ground truth written to " + truthFile);
    }
    out.printf(Locale.ROOT, "Oracle (the truth as the prediction): ctr click rate %.4f, AUC %.4f, logloss %.4f; "
        + "preference RMSE %.4f, MAE %.4f%n", oracle.clickRate(), oracle.ctrAuc(), oracle.ctrLogLoss(),
        oracle.preferenceRmse(), oracle.preferenceMae());
    out.flush();
    return 0;
  }

  private static OutputStream open(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
  }

  private static Sink fileSink(Path file) throws IOException {
    OutputStream stream = open(file);
    return new Sink() {
      @Override
      public void accept(GeneratedEvent event) throws IOException {
        stream.write(GeneratedEventJson.event(event));
        stream.write('\n');
      }

      @Override
      public void close() throws IOException {
        stream.close();
      }
    };
  }

  private Sink topicSink() {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate: must be a finite number >= 0, got " + rate);
    }
    Properties props = client.clientProperties(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
    TopicSetup.ensureExists(props, destination.topic, createPartitions, ADMIN_TIMEOUT);
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(props),
        new StringSerializer(), new ByteArraySerializer());
    RatePacer pacer = new RatePacer(rate, System::nanoTime);
    AtomicReference<Exception> failure = new AtomicReference<>();
    String topic = destination.topic;
    return new Sink() {
      private long sent;

      @Override
      public void accept(GeneratedEvent event) throws IOException {
        if (failure.get() != null) {
          throw new IOException("producing to " + topic + " failed: " + failure.get().getMessage(), failure.get());
        }
        try {
          pacer.awaitTurn(sent++);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
        producer.send(new ProducerRecord<>(topic, event.user(), GeneratedEventJson.event(event)), (md, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
          }
        });
      }

      @Override
      public void close() throws IOException {
        producer.close();
        if (failure.get() != null) {
          throw new IOException("producing to " + topic + " failed: " + failure.get().getMessage(), failure.get());
        }
      }
    };
  }

  /** Passes events through to {@link OracleReport} while writing each one and counting. */
  private static final class Counting implements Iterator<GeneratedEvent> {
    private final Iterator<GeneratedEvent> source;
    private final SinkAction action;
    private final ProgressBar bar;
    private long count;

    Counting(Iterator<GeneratedEvent> source, SinkAction action, ProgressBar bar) {
      this.source = source;
      this.action = action;
      this.bar = bar;
    }

    @Override
    public boolean hasNext() {
      return source.hasNext();
    }

    @Override
    public GeneratedEvent next() {
      GeneratedEvent event = source.next();
      try {
        action.accept(event);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      count++;
      if ((count & 1023) == 0) {
        bar.update(count);
      }
      return event;
    }
  }

  /** Writes one event somewhere. */
  private interface SinkAction {
    void accept(GeneratedEvent event) throws IOException;
  }
}
