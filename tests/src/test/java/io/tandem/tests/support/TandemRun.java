package io.tandem.tests.support;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One test's Tandem deployment on the shared broker: its own topics, application id and state
 * directory, a small model, and helpers to start the app and wait for it to run.
 */
public final class TandemRun {

  private static final Duration STARTUP = Duration.ofSeconds(30);

  public final String events;
  public final String requests;
  public final String predictions;
  public final String deadLetter;
  public final String transferUpdates;
  public final String applicationId;
  public final int partitions;

  /** Names this run's topics and application id after {@code name} plus a random suffix. */
  public TandemRun(String name, int partitions) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    this.events = name + "-events-" + suffix;
    this.requests = name + "-requests-" + suffix;
    this.predictions = name + "-predictions-" + suffix;
    this.deadLetter = name + "-dead-letter-" + suffix;
    this.transferUpdates = name + "-transfer-updates-" + suffix;
    this.applicationId = name + "-app-" + suffix;
    this.partitions = partitions;
  }

  /** Creates the five topics with {@link #partitions} partitions each. */
  public TandemRun createTopics() {
    SharedKafka.createTopics(partitions,
        List.of(events, requests, predictions, deadLetter, transferUpdates));
    return this;
  }

  /** The configuration: these topics, this app id, {@code stateDir}, a small fast model. */
  public TandemConfig config(Path stateDir, Map<String, String> extra) {
    return config(SharedKafka.bootstrapServers(), stateDir, extra);
  }

  /**
   * Like {@link #config(Path, Map)} but against another broker than the shared one (e.g. a
   * test's own broker that it stops and restarts).
   */
  public TandemConfig config(String bootstrapServers, Path stateDir, Map<String, String> extra) {
    TandemConfig c = TandemConfig.defaults()
        .with("bootstrap.servers", bootstrapServers)
        .with("application.id", applicationId)
        .with("state.dir", stateDir.toString())
        .with("commit.interval.ms", "200")
        .with("topics.events", events)
        .with("topics.requests", requests)
        .with("topics.predictions", predictions)
        .with("topics.dead-letter", deadLetter)
        .with("topics.transfer-updates", transferUpdates)
        .with("topics.tasks", applicationId + "-tasks")
        .with("topics.partitions", String.valueOf(partitions))
        .with("learner.batch.size", "32")
        .with("learner.batch.linger.ms", "50")
        .with("model.embedding.dim", "8")
        .with("model.experts", "2")
        .with("model.expert.size", "16")
        .with("model.tower.size", "8");
    for (Map.Entry<String, String> e : extra.entrySet()) {
      c = c.with(e.getKey(), e.getValue());
    }
    return c;
  }

  /** Starts the app and waits until Kafka Streams is RUNNING. */
  public static TandemApp start(TandemConfig config, SimpleMeterRegistry meters)
      throws InterruptedException {
    TandemApp app = TandemApp.start(config, meters);
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (app.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || app.state() == KafkaStreams.State.ERROR) {
        app.close();
        throw new AssertionError("Tandem not RUNNING within " + STARTUP + ": " + app.state());
      }
      Thread.sleep(50);
    }
    return app;
  }

  /** A labelled event's JSON: task ctr (label i % 2) or preference (label 1 + i % 5). */
  public static String event(int i, String task) {
    double label = task.equals("ctr") ? i % 2 : 1 + i % 5;
    return "{\"id\":\"e-" + i + "\",\"task\":\"" + task + "\",\"user\":\"" + user(i)
        + "\",\"item\":\"i" + (i % 37) + "\",\"label\":" + (long) label + ",\"ts\":"
        + (1_764_300_000_000L + i) + ",\"context\":{\"device\":\""
        + (i % 3 == 0 ? "mobile" : "desktop") + "\",\"hour\":" + (i % 24) + "}}";
  }

  /** The user of event {@code i}. */
  public static String user(int i) {
    return "u" + (i % 50);
  }

  /** The string value of a top-level field of a flat JSON object. */
  public static String field(String json, String name) {
    String marker = "\"" + name + "\":\"";
    int start = json.indexOf(marker);
    if (start < 0) {
      throw new AssertionError("no field " + name + " in " + json);
    }
    start += marker.length();
    return json.substring(start, json.indexOf('"', start));
  }
}
