package io.tandem.streams.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.Topics;
import io.tandem.streams.io.KafkaClients;
import io.tandem.streams.io.TopicSetup;
import io.tandem.streams.topology.ModelStores;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem run}: the learner against a Kafka cluster, until Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {
        "Run the learner against a Kafka cluster until Ctrl-C: creates missing topics, validates events (invalid "
            + "ones go to the dead-letter topic), learns, publishes predictions, prints counts."})
final class RunCommand implements Callable<Integer> {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  @Spec
  private CommandSpec spec;

  @Mixin
  private ClusterOptions cluster;

  @Option(names = "--report-every", paramLabel = "SECONDS", defaultValue = "10",
      description = "Print counts this often (default: ${DEFAULT-VALUE}); 0 = never.")
  private int reportSeconds;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    TandemConfig resolved = cluster.load();
    if (reportSeconds < 0) {
      throw new IllegalArgumentException("--report-every: must be >= 0 seconds, got " + reportSeconds);
    }
    createTopics(resolved, out);
    MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TandemApp app = TandemApp.startServing(resolved, registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("Stopping ...");
      out.flush();
      app.close();
      stopped.countDown();
    }, "tandem-run-shutdown"));
    out.println("Tandem is running against " + resolved.get("bootstrap.servers") + "; reading "
        + resolved.topics().eventTopics() + "; HTTP on http://" + resolved.httpBind() + ":"
        + app.httpPort() + " (/predict, /model, /metrics, /health). Stop with Ctrl-C.");
    out.flush();
    LiveTable.Snapshot previous = null;
    long started = System.nanoTime();
    long last = started;
    while (!stopped.await(reportSeconds == 0 ? Long.MAX_VALUE : reportSeconds, TimeUnit.SECONDS)) {
      long now = System.nanoTime();
      LiveTable.Snapshot current = LiveTable.read(registry);
      out.println(LiveTable.render(previous, current, Duration.ofNanos(now - last),
          Duration.ofNanos(now - started)));
      out.flush();
      previous = current;
      last = now;
    }
    return 0;
  }

  /**
   * Creates the configured topics that are missing ({@code topics.partitions}, {@code
   * topics.replication-factor}) and says which ones were created.
   */
  static void createTopics(TandemConfig config, PrintWriter out) {
    Topics topics = config.topics();
    try (Admin admin = Admin.create(KafkaClients.admin(config.kafkaProperties(), ADMIN_TIMEOUT))) {
      List<String> created = TopicSetup.createMissing(admin, topics.all(), topics.partitions(),
          topics.replicationFactor(), topics.creationConfigs(ModelStores.MAX_SNAPSHOT_BYTES),
          ADMIN_TIMEOUT);
      if (!created.isEmpty()) {
        out.println("Created topics " + String.join(", ", created) + " (" + topics.partitions()
            + " partitions, replication factor " + topics.replicationFactor() + ").");
        out.flush();
      }
    }
  }
}
