package io.tandem.streams.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.OracleReport;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.broker.BrokerSettings;
import io.tandem.streams.broker.EmbeddedBroker;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.streams.io.KafkaClients;
import io.tandem.streams.io.RatePacer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tandem demo}: everything in one process — an embedded Kafka broker on free ports in a
 * temporary directory, Tandem's topics, the learner ({@link TandemApp}) and the ground-truth
 * generator producing to the events topic — with a live table every few seconds, until Ctrl-C or
 * {@code --events N} events were consumed.
 *
 * <p>The demo forces {@code bootstrap.servers} to its broker and, unless given with {@code --set},
 * uses a temporary {@code state.dir}, {@code http.port=0}, and the generator's context fields
 * ({@code model.context.categorical=device}, {@code model.context.numeric=hour}). Everything it
 * created is removed on exit.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Start a Kafka broker, Tandem and the synthetic stream generator in this process and show a live table "
            + "(events/s, per-task counts, invalid events, AUC/RMSE, model version) until Ctrl-C or --events N.",
        "Nothing to install; everything is deleted on exit."})
final class DemoCommand implements Callable<Integer> {

  private static final Duration STALL_LIMIT = Duration.ofSeconds(90);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

  @Spec
  private CommandSpec spec;

  @Option(names = "--events", paramLabel = "N", defaultValue = "0",
      description = "Stop once N events were consumed by the learner; 0 = run until Ctrl-C (default).")
  private long events;

  @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "2000",
      description = "Events produced per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "3",
      description = "Seconds between two tables (default: ${DEFAULT-VALUE}).")
  private int intervalSeconds;

  @Mixin
  private GeneratorOptions generator;

  @Mixin
  private ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    if (events < 0) {
      throw new IllegalArgumentException("--events: must be >= 0, got " + events);
    }
    if (intervalSeconds < 1) {
      throw new IllegalArgumentException("--interval: must be >= 1 second, got " + intervalSeconds);
    }
    RatePacer pacer = new RatePacer(rate, System::nanoTime);
    GeneratorConfig stream = generator.toConfig();
    long target = events == 0 ? stream.totalEvents() : Math.min(events, stream.totalEvents());
    PrintWriter out = spec.commandLine().getOut();
    AtomicBoolean stopRequested = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopRequested.set(true);
      try {
        finished.await(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "tandem-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Path stateDir = Files.createTempDirectory("tandem-demo-state-");
    try {
      out.println("Starting a Kafka broker ...");
      out.flush();
      try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.ephemeral())) {
        out.printf(Locale.ROOT, "Kafka broker ready on %s in %.1f s.%n", broker.bootstrapServers(),
            broker.startupTime().toMillis() / 1000.0);
        TandemConfig resolved = demoConfig(broker.bootstrapServers(), stateDir);
        RunCommand.createTopics(resolved, out);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TandemApp app = TandemApp.startServing(resolved, registry)) {
          out.printf(Locale.ROOT, "Learner started; HTTP on http://%s:%d (/predict, /model, /metrics).%n"
              + "Producing %,d synthetic events to %s at %s. Ctrl-C stops.%n%n",
              resolved.httpBind(), app.httpPort(), target, resolved.topics().events(),
              rate == 0 ? "full speed" : String.format(Locale.ROOT, "%,.0f events/s", rate));
          out.flush();
          Producing producing = new Producing(resolved, stream, target, pacer, stopRequested);
          Thread producer = new Thread(producing, "tandem-demo-producer");
          producer.setDaemon(true);
          producer.start();
          try {
            watch(out, registry, app, events == 0 ? Long.MAX_VALUE : target, stopRequested);
          } finally {
            stopRequested.set(true);
            producer.join(SHUTDOWN_WAIT.toMillis());
          }
          producing.rethrow();
          printSummary(out, registry, producing.oracle.get());
          out.println("Shutting down ...");
          out.flush();
        }
      }
      out.println("Demo stopped; temporary data deleted.");
      out.flush();
      return 0;
    } finally {
      deleteRecursively(stateDir);
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and has just been released by the countdown above.
      }
    }
  }

  private TandemConfig demoConfig(String bootstrapServers, Path stateDir) {
    Map<String, String> extra = new LinkedHashMap<>();
    if (!config.sets.containsKey("state.dir")) {
      extra.put("state.dir", stateDir.toString());
    }
    if (!config.sets.containsKey("http.port")) {
      extra.put("http.port", "0");
    }
    // The generator's events carry a device (categorical) and an hour (numeric) with a real effect.
    if (!config.sets.containsKey("model.context.categorical")) {
      extra.put("model.context.categorical", "device");
    }
    if (!config.sets.containsKey("model.context.numeric")) {
      extra.put("model.context.numeric", "hour");
    }
    extra.put("bootstrap.servers", bootstrapServers);
    return config.load(extra);
  }

  /** Prints the table every interval until the target is consumed, a stop is requested, or the
   * learner fails. */
  private void watch(PrintWriter out, PrometheusMeterRegistry registry, TandemApp app, long target,
      AtomicBoolean stopRequested) throws InterruptedException {
    long started = System.nanoTime();
    long last = started;
    long lastProgress = started;
    LiveTable.Snapshot previous = null;
    double lastConsumed = -1;
    while (true) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(intervalSeconds);
      while (System.nanoTime() < deadline && !stopRequested.get()
          && LiveTable.read(registry).totalConsumed() < target) {
        Thread.sleep(100);
      }
      long now = System.nanoTime();
      LiveTable.Snapshot current = LiveTable.read(registry);
      out.println(LiveTable.render(previous, current, Duration.ofNanos(now - last), Duration.ofNanos(now - started)));
      out.flush();
      if (current.totalConsumed() >= target || stopRequested.get()) {
        return;
      }
      KafkaStreams.State state = app.state();
      if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
          || state == KafkaStreams.State.PENDING_ERROR) {
        throw new IllegalStateException("the learner stopped (Kafka Streams state " + state + ")");
      }
      if (current.totalConsumed() > lastConsumed) {
        lastConsumed = current.totalConsumed();
        lastProgress = now;
      } else if (now - lastProgress > STALL_LIMIT.toNanos()) {
        throw new IllegalStateException("no event consumed for " + STALL_LIMIT.toSeconds() + " s (Kafka Streams "
            + "state " + state + ")");
      }
      previous = current;
      last = now;
    }
  }

  private static void printSummary(PrintWriter out, PrometheusMeterRegistry registry, OracleReport oracle) {
    LiveTable.Snapshot s = LiveTable.read(registry);
    out.printf(Locale.ROOT, "Consumed %,.0f events (%,.0f invalid).", s.totalConsumed(), s.invalid());
    if (oracle != null) {
      out.printf(Locale.ROOT, " Oracle on the produced events: ctr AUC %.3f, logloss %.3f; preference RMSE %.3f.",
          oracle.ctrAuc(), oracle.ctrLogLoss(), oracle.preferenceRmse());
    }
    out.println();
  }

  /** Produces generated events to the events topic (key = user) at the paced rate, then scores
   * their truth. */
  private static final class Producing implements Runnable {
    private final TandemConfig config;
    private final GeneratorConfig stream;
    private final long limit;
    private final RatePacer pacer;
    private final AtomicBoolean stop;
    private final AtomicReference<OracleReport> oracle = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong sent = new AtomicLong();

    Producing(TandemConfig config, GeneratorConfig stream, long limit, RatePacer pacer, AtomicBoolean stop) {
      this.config = config;
      this.stream = stream;
      this.limit = limit;
      this.pacer = pacer;
      this.stop = stop;
    }

    @Override
    public void run() {
      Properties props = KafkaClients.producer(config.kafkaProperties());
      props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      String topic = config.topics().events();
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
        StreamGenerator source = new StreamGenerator(stream);
        Iterator<GeneratedEvent> producing = new Iterator<>() {
          @Override
          public boolean hasNext() {
            return !stop.get() && sent.get() < limit && source.hasNext();
          }

          @Override
          public GeneratedEvent next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            GeneratedEvent e = source.next();
            try {
              pacer.awaitTurn(sent.get());
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
              stop.set(true);
            }
            producer.send(new ProducerRecord<>(topic, e.user(), GeneratedEventJson.event(e)), (md, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
                stop.set(true);
              }
            });
            sent.incrementAndGet();
            return e;
          }
        };
        oracle.set(OracleReport.of(producing));
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      }
    }

    void rethrow() {
      Throwable t = failure.get();
      if (t != null) {
        throw new IllegalStateException("producing demo events failed: " + t.getMessage(), t);
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
