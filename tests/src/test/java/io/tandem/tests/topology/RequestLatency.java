package io.tandem.tests.topology;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.ModelConfig;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A manual measurement of request → prediction latency on the embedded broker (not part of the
 * test suite: it runs for about a minute per guarantee).
 *
 * <p>Tandem runs with its default model, batching and commit interval on 2 partitions while a background producer
 * streams labelled events at {@value #DEFAULT_EVENTS_PER_SECOND}/s (optional second argument) (so the learner is busy, as in
 * production). A paced producer sends prediction requests at {@value #REQUESTS_PER_SECOND}/s for
 * {@value #SECONDS} s after a {@value #WARMUP_SECONDS} s warm-up (measured: a fresh JVM builds
 * a backlog of seconds during its first ~15 s, JIT compilation of the broker, the clients and
 * Tandem, drains it by ~20 s, and its p99 still falls for another ~20 s; the per-5-second lines
 * printed show it); a consumer reads the
 * predictions topic and records, per request prediction, the time from the request's record
 * timestamp (its producer's send time) to the consumer receiving the prediction, in an
 * HdrHistogram. So the figure is end to end: producer, broker, Kafka Streams, the learner (a
 * request waits while a batch trains: the model lock), the Streams producer
 * ({@code linger.ms} 5), broker, consumer. Under {@code exactly_once_v2} predictions become
 * visible to a {@code read_committed} consumer only at a commit (every 100 ms by default).
 *
 * <p>At the end it also prints the stream thread's longest and mean commit, punctuation, poll
 * and record processing times (Kafka Streams' thread metrics, last ~30 s): a request waits
 * behind whichever of them is running when it arrives.
 *
 * <p>Run: {@code java -cp <tests test classpath> io.tandem.tests.topology.RequestLatency} with
 * {@code OMP_NUM_THREADS=1}; optional arguments: guarantees, comma-separated, and background
 * labelled events per second; any Tandem or Kafka setting as {@code -Dset.KEY=VALUE}. With
 * {@code -Dtandem.test.bootstrap.servers=HOST:PORT} it uses a broker already running in its own
 * process (e.g. {@code ./tandem broker}) instead of one in the measured JVM, as in production,
 * where the broker's allocation and GC pauses are not the application's.
 */
public final class RequestLatency {

  private static final int REQUESTS_PER_SECOND = 2_000;
  private static final int DEFAULT_EVENTS_PER_SECOND = 500;
  private static final int SECONDS = 30;
  private static final int WARMUP_SECONDS = 45;
  private static final int PARTITIONS = 2;

  private RequestLatency() {}

  /** Runs the measurement and prints one table row per guarantee. */
  public static void main(String[] args) throws Exception {
    String guarantees = args.length > 0 ? args[0] : "at_least_once,exactly_once_v2";
    int eventsPerSecond = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_EVENTS_PER_SECOND;
    List<String> rows = new ArrayList<>();
    for (String guarantee : guarantees.split(",")) {
      rows.add(run(guarantee.trim(), eventsPerSecond));
    }
    System.out.println("| guarantee | events/s | requests | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
    rows.forEach(System.out::println);
    System.exit(0);
  }

  private static String run(String guarantee, int eventsPerSecond) throws Exception {
    TandemRun run = new TandemRun("latency", PARTITIONS).createTopics();
    ModelConfig model = ModelConfig.defaults();
    Map<String, String> settings = new HashMap<>(Map.of(
        "processing.guarantee", guarantee,
        // Tandem's defaults, not TandemRun's small test model and short commit interval:
        "commit.interval.ms", guarantee.startsWith("exactly") ? "100" : "1000",
        "learner.batch.size", String.valueOf(TandemConfig.defaults().batchSize()),
        "model.embedding.dim", String.valueOf(model.embeddingDim()),
        "model.experts", String.valueOf(model.experts()),
        "model.expert.size", String.valueOf(model.expertSize()),
        "model.tower.size", String.valueOf(model.towerSize())));
    // Overrides from the command line: -Dset.KEY=VALUE (e.g. -Dset.producer.linger.ms=1).
    settings.putAll(BenchOverrides.fromSystemProperties());
    TandemConfig config = run.config(Files.createTempDirectory("tandem-latency"), settings);
    AtomicBoolean stop = new AtomicBoolean();
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    try (TandemApp app = TandemRun.start(config, new SimpleMeterRegistry());
        KafkaProducer<String, String> producer = producer()) {
      Thread events = new Thread(
          () -> produceEvents(producer, run.events, eventsPerSecond, stop), "events");
      events.start();
      Set<String> measured = new HashSet<>();
      Thread reader = new Thread(() -> read(run.predictions, guarantee, histogram, measured, stop),
          "reader");
      reader.start();
      SplittableRandom random = new SplittableRandom(7);
      long periodNanos = 1_000_000_000L / REQUESTS_PER_SECOND;
      long total = (long) (SECONDS + WARMUP_SECONDS) * REQUESTS_PER_SECOND;
      long start = System.nanoTime();
      for (long i = 0; i < total; i++) {
        long due = start + i * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          // Sleep, not spin: a spinning producer would take a core from Tandem on 2 cores.
          LockSupport.parkNanos(wait);
        }
        String user = TandemRun.user(random.nextInt(5_000));
        String id = (i < (long) WARMUP_SECONDS * REQUESTS_PER_SECOND ? "warm-" : "req-") + i;
        String json = "{\"id\":\"" + id + "\",\"user\":\"" + user + "\",\"item\":\"i"
            + random.nextInt(2_000) + "\",\"ts\":" + System.currentTimeMillis() + "}";
        producer.send(new ProducerRecord<>(run.requests, user, json));
      }
      producer.flush();
      Thread.sleep(3_000);
      stop.set(true);
      events.join();
      reader.join();
      long sent = (long) SECONDS * REQUESTS_PER_SECOND;
      System.out.println("state at the end: " + app.state());
      printStreamThreadMaxima(app);
      System.out.printf(Locale.ROOT, "%s: %,d of %,d measured requests answered%n", guarantee,
          measured.size(), sent);
      return String.format(Locale.ROOT, "| %s | %,d | %,d | %.2f | %.2f | %.2f | %.2f | %.2f |",
          guarantee, eventsPerSecond, histogram.getTotalCount(), ms(histogram, 50), ms(histogram, 90),
          ms(histogram, 99), ms(histogram, 99.9), histogram.getMaxValue() / 1000.0);
    }
  }

  /**
   * Where a request can wait inside Kafka Streams: the longest (and mean) commit, punctuation
   * (the learner's linger flush), poll and record processing of the stream thread over the last
   * metrics window (Kafka's default: 30 s), in ms.
   */
  private static void printStreamThreadMaxima(TandemApp app) {
    Map<String, Double> values = new TreeMap<>();
    app.streams().metrics().forEach((name, metric) -> {
      if (name.group().equals("stream-thread-metrics")
          && name.name().matches("(commit|punctuate|poll|process)-latency-(max|avg)")
          && metric.metricValue() instanceof Double d && !d.isNaN()) {
        values.merge(name.name(), d, Math::max);
      }
    });
    StringBuilder line = new StringBuilder("stream thread, last 30 s (ms):");
    values.forEach((name, value) -> line.append(String.format(Locale.ROOT, " %s %.1f", name,
        value)));
    System.out.println(line);
  }

  private static double ms(Histogram histogram, double percentile) {
    return histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  private static KafkaProducer<String, String> producer() {
    Properties p = SharedKafka.clientProperties();
    // 1 ms: requests sent one per produce request would cost the in-process broker (same 2
    // cores) more than Tandem itself.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /** Streams labelled events at {@code perSecond} until stopped (none for 0). */
  private static void produceEvents(KafkaProducer<String, String> producer, String topic,
      int perSecond, AtomicBoolean stop) {
    if (perSecond <= 0) {
      return;
    }
    long periodNanos = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    for (int i = 0; !stop.get(); i++) {
      long due = start + i * periodNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      String json = TandemRun.event(i, i % 4 == 3 ? "preference" : "ctr");
      producer.send(new ProducerRecord<>(topic, TandemRun.field(json, "user"), json));
    }
  }

  /** Records the latency of every measured request prediction until stopped. */
  private static void read(String topic, String guarantee, Histogram histogram,
      Set<String> measured, AtomicBoolean stop) {
    Map<Long, Histogram> bySecond = new TreeMap<>();
    Properties p = SharedKafka.clientProperties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        guarantee.startsWith("exactly") ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (!stop.get()) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(5))) {
          long now = System.currentTimeMillis();
          String id = TandemRun.field(r.value(), "id");
          if (id.startsWith("req-") && measured.add(id)) {
            long micros = Math.max(0, now - r.timestamp()) * 1000;
            histogram.recordValue(micros);
            bySecond.computeIfAbsent(r.timestamp() / 5_000 * 5_000,
                k -> new Histogram(TimeUnit.SECONDS.toMicros(60), 2)).recordValue(micros);
          }
        }
      }
    }
    long first = bySecond.isEmpty() ? 0 : bySecond.keySet().iterator().next();
    bySecond.forEach((start, h) -> System.out.printf(Locale.ROOT,
        "  sent at +%3d s: %,6d requests, p50 %.1f ms, p99 %.1f ms%n", (start - first) / 1000,
        h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0));
  }
}
