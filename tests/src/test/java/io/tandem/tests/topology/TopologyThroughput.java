package io.tandem.tests.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A manual end-to-end throughput measurement on the embedded broker (not part of the test suite:
 * it runs for minutes). Produces N labelled events once (default 100,000; 5,000 users, 2,000
 * items, two tasks), then, for {@code at_least_once} and {@code exactly_once_v2}, runs (a) a
 * reference topology that only parses the same JSON and does one state-store get+put per record
 * and (b) Tandem's topology with the default model, each with a fresh application id, and
 * prints records/s from RUNNING to the last output record read with {@code read_committed}. One
 * unmeasured run of each topology first warms the JVM up.
 *
 * <p>Also printed, per run: CPU time per record of the application's stream thread (from
 * {@link ThreadMXBean}, RUNNING to the last record read) and of the whole JVM (broker, clients
 * and both included). On a shared machine whose load swings within a run, rates measured
 * seconds apart are not comparable, while CPU per record is: the second ratio column,
 * reference stream-thread CPU per record over Tandem's, is the throughput ratio the two would
 * have on an equally available core.
 *
 * <p>Tandem's learning may run on trainer threads ({@code learner.pipelined}, named
 * {@code tandem-trainer-<task>}): their CPU per record is printed too, apart from the stream
 * thread's.
 *
 * <p>Run: {@code java -cp <tests test classpath> io.tandem.tests.topology.TopologyThroughput
 * [events]} with {@code OMP_NUM_THREADS=1}; {@code -Dset.KEY=VALUE} overrides a Tandem setting
 * ({@link BenchOverrides}); {@code -Dbench.variants=V1;V2;...}, each variant a comma-separated
 * list of {@code KEY=VALUE} settings, measures Tandem once per variant right after the reference,
 * in the same run (e.g. {@code -Dbench.variants=learner.pipelined=true;learner.pipelined=false}).
 */
public final class TopologyThroughput {

  private static final Duration LIMIT = Duration.ofMinutes(10);

  private TopologyThroughput() {}

  /** Runs the measurement; the optional argument is the number of events. */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int partitions = 2;
    String events = SharedKafka.uniqueTopic("bench-events");
    SharedKafka.createTopics(partitions, events);
    List<ProducerRecord<byte[], byte[]>> records = generate(events, n);
    long p0 = System.nanoTime();
    SharedKafka.produceRaw(events, records);
    System.out.printf(Locale.ROOT, "produced %,d events in %.1f s%n", n,
        (System.nanoTime() - p0) / 1e9);
    // Warm-up: the first run of each topology in the JVM pays for class loading and JIT
    // compilation (of the Kafka clients and Streams, and of Tandem's decoding and model code);
    // without it the first measured run of each looks slow (Tandem's at_least_once run did: it
    // came out slower than its exactly_once_v2 run).
    List<Map<String, String>> variants = variants();
    runReference(events, partitions, n, "at_least_once");
    for (Map<String, String> variant : variants) {
      runTandem(events, partitions, n, "at_least_once", variant);
    }
    List<String> rows = new ArrayList<>();
    for (String guarantee : List.of("at_least_once", "exactly_once_v2")) {
      Result reference = runReference(events, partitions, n, guarantee);
      for (Map<String, String> variant : variants) {
        Result tandem = runTandem(events, partitions, n, guarantee, variant);
        rows.add(String.format(Locale.ROOT,
            "| %-16s | %-24s | %,12.0f | %,12.0f | %5.2f | %6.1f | %6.1f | %6.1f | %5.2f |",
            guarantee, variant.isEmpty() ? "-" : variant.toString(), reference.rate(),
            tandem.rate(), tandem.rate() / reference.rate(), reference.streamCpuMicros(),
            tandem.streamCpuMicros(), tandem.trainerCpuMicros(),
            reference.streamCpuMicros() / tandem.streamCpuMicros()));
      }
    }
    System.out.println("| guarantee        | variant                  | reference/s  |"
        + " tandem/s     | ratio | ref \u00b5s | tandem \u00b5s | trainer \u00b5s | CPU ratio |");
    rows.forEach(System.out::println);
    System.exit(0);
  }

  private static List<ProducerRecord<byte[], byte[]>> generate(String topic, int n) {
    SplittableRandom random = new SplittableRandom(42);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String user = "u" + random.nextInt(5_000);
      String item = "i" + random.nextInt(2_000);
      boolean click = i % 4 != 3;
      String json = "{\"id\":\"e-" + i + "\",\"task\":\"" + (click ? "ctr" : "preference")
          + "\",\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"label\":"
          + (click ? (random.nextDouble() < 0.1 ? 1 : 0) : 1 + random.nextInt(5))
          + ",\"ts\":" + (1_764_300_000_000L + i) + ",\"context\":{\"device\":\""
          + (random.nextBoolean() ? "mobile" : "desktop") + "\",\"hour\":" + random.nextInt(24)
          + "}}";
      out.add(new ProducerRecord<>(topic, user.getBytes(StandardCharsets.UTF_8),
          json.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** The variants of {@code -Dbench.variants} (one without settings when not given). */
  private static List<Map<String, String>> variants() {
    String spec = System.getProperty("bench.variants", "");
    List<Map<String, String>> out = new ArrayList<>();
    for (String variant : spec.split(";", -1)) {
      Map<String, String> settings = new TreeMap<>();
      for (String setting : variant.split(",")) {
        if (setting.isBlank()) {
          continue;
        }
        int eq = setting.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("bench.variants: '" + setting + "' is not"
              + " KEY=VALUE");
        }
        settings.put(setting.substring(0, eq).strip(), setting.substring(eq + 1).strip());
      }
      out.add(settings);
    }
    return out;
  }

  private static Result runTandem(String events, int partitions, int n, String guarantee,
      Map<String, String> variant) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String predictions = "bench-predictions-" + suffix;
    String deadLetter = "bench-dead-letter-" + suffix;
    String requests = "bench-requests-" + suffix;
    SharedKafka.createTopics(partitions, predictions, deadLetter, requests);
    Path state = Files.createTempDirectory("tandem-bench");
    TandemConfig config = TandemConfig.defaults()
        .with("bootstrap.servers", SharedKafka.bootstrapServers())
        .with("application.id", "bench-tandem-" + suffix)
        .with("processing.guarantee", guarantee)
        .with("state.dir", state.toString())
        .with("topics.events", events)
        .with("topics.requests", requests)
        .with("topics.predictions", predictions)
        .with("topics.dead-letter", deadLetter)
        .with("topics.partitions", String.valueOf(partitions))
        .with("model.context.categorical", "device");
    for (Map.Entry<String, String> override : BenchOverrides.fromSystemProperties().entrySet()) {
      config = config.with(override.getKey(), override.getValue());
    }
    for (Map.Entry<String, String> setting : variant.entrySet()) {
      config = config.with(setting.getKey(), setting.getValue());
    }
    try (TandemApp app = TandemRun.start(config, new SimpleMeterRegistry())) {
      Result result = measure("tandem", guarantee, predictions, n, "bench-tandem-" + suffix);
      System.out.println("tandem    " + guarantee + " " + variant + " state at the end: "
          + app.state());
      return result;
    }
  }

  private static Result runReference(String events, int partitions, int n, String guarantee)
      throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String output = "bench-reference-" + suffix;
    SharedKafka.createTopics(partitions, output);
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore("reference-counts"), Serdes.String(), Serdes.Long()));
    builder.stream(events, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .process(ParseAndCount::new, Named.as("parse-and-count"), "reference-counts")
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    Topology topology = builder.build();
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-reference-" + suffix);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.STATE_DIR_CONFIG,
        Files.createTempDirectory("reference-bench").toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
    props.put(StreamsConfig.producerPrefix("linger.ms"), "5");
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      streams.start();
      while (streams.state() != KafkaStreams.State.RUNNING) {
        Thread.sleep(20);
      }
      return measure("reference", guarantee, output, n, "bench-reference-" + suffix);
    }
  }

  /**
   * What one run measured: records/s, and CPU microseconds per record of the stream thread and
   * of the whole JVM.
   */
  private record Result(double rate, double streamCpuMicros, double trainerCpuMicros,
      double processCpuMicros) {}

  /**
   * Reads the output topic (read_committed) until n records arrived, timing it and the CPU that
   * the application's stream threads ({@code applicationId}) and the JVM spent meanwhile.
   */
  private static Result measure(String name, String guarantee, String topic, int n,
      String applicationId) {
    long start = System.nanoTime();
    long processCpu0 = processCpuNanos();
    Map<Long, Long> threadCpu0 = streamThreadCpuNanos(applicationId);
    Map<Long, Long> trainerCpu0 = trainerThreadCpuNanos();
    Map<Long, Long> allCpu0 = threadCpuNanos();
    Properties p = SharedKafka.clientProperties();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = start + LIMIT.toNanos();
      while (count < n && System.nanoTime() < deadline) {
        count += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double processMicros = (processCpuNanos() - processCpu0) / 1e3 / Math.max(1, count);
    long threadNanos = 0;
    for (Map.Entry<Long, Long> e : streamThreadCpuNanos(applicationId).entrySet()) {
      threadNanos += e.getValue() - threadCpu0.getOrDefault(e.getKey(), 0L);
    }
    double streamMicros = threadNanos / 1e3 / Math.max(1, count);
    long trainerNanos = 0;
    for (Map.Entry<Long, Long> e : trainerThreadCpuNanos().entrySet()) {
      trainerNanos += e.getValue() - trainerCpu0.getOrDefault(e.getKey(), 0L);
    }
    double trainerMicros = trainerNanos / 1e3 / Math.max(1, count);
    if (Boolean.getBoolean("bench.threads")) {
      printBusiestThreads(allCpu0, count);
    }
    double rate = count / seconds;
    System.out.printf(Locale.ROOT, "%-9s %-16s %,d records in %.1f s: %,.0f records/s; CPU per"
        + " record: stream thread %.1f \u00b5s, trainer threads %.1f \u00b5s, JVM %.1f \u00b5s"
        + " (load %s)%n", name, guarantee, count, seconds, rate, streamMicros, trainerMicros,
        processMicros, loadAverage());
    return new Result(rate, streamMicros, trainerMicros, processMicros);
  }

  /** CPU time of this JVM so far, in nanoseconds. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** CPU time so far of each live stream thread of the application, by thread id. */
  private static Map<Long, Long> streamThreadCpuNanos(String applicationId) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(applicationId)
          && info.getThreadName().contains("-StreamThread-")) {
        out.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return out;
  }

  /** CPU time so far of every live thread, by thread id. */
  private static Map<Long, Long> threadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      out.put(id, threads.getThreadCpuTime(id));
    }
    return out;
  }

  /**
   * With {@code -Dbench.threads=true}: the ten threads that spent the most CPU per record since
   * {@code before}, grouped by name with digits removed (e.g. the broker's request handlers).
   */
  private static void printBusiestThreads(Map<Long, Long> before, long count) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> byName = new TreeMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long delta = threads.getThreadCpuTime(info.getThreadId())
          - before.getOrDefault(info.getThreadId(), 0L);
      byName.merge(info.getThreadName().replaceAll("[0-9a-f]{8}|[0-9]+", "#"), delta, Long::sum);
    }
    byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(10).forEach(e -> System.out.printf(Locale.ROOT, "    %6.1f \u00b5s  %s%n",
            e.getValue() / 1e3 / Math.max(1, count), e.getKey()));
  }

  /** CPU time so far of each live trainer thread ({@code tandem-trainer-*}), by thread id. */
  private static Map<Long, Long> trainerThreadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("tandem-trainer-")) {
        out.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return out;
  }

  /** The 1-minute load average, as the OS reports it. */
  private static String loadAverage() {
    return String.format(Locale.ROOT, "%.1f",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** The reference work per record: parse the JSON, get+put one store entry, forward. */
  private static final class ParseAndCount
      extends ContextualProcessor<byte[], byte[], String, Long> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private KeyValueStore<String, Long> counts;

    @Override
    public void init(ProcessorContext<String, Long> context) {
      super.init(context);
      counts = context.getStateStore("reference-counts");
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      JsonNode node;
      try {
        node = JSON.readTree(record.value());
      } catch (IOException e) {
        return;
      }
      String user = node.path("user").asText();
      Long before = counts.get(user);
      long after = before == null ? 1 : before + 1;
      counts.put(user, after);
      context().forward(record.withKey(user).withValue(after));
    }
  }
}
