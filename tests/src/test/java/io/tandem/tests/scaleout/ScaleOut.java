package io.tandem.tests.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.metrics.Auc;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.streams.io.TopicSetup;
import io.tandem.streams.topology.ModelStores;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One scale-out deployment on the shared broker: a {@link TandemRun} with {@link #PARTITIONS}
 * partitions plus its own compacted model-sync topic, the configuration of one instance, a
 * generated stream, and the measurements the scale-out tests compare (replica distance, click
 * AUC).
 */
final class ScaleOut {

  /** Partitions of every topic, so stream tasks 0_0 .. 0_3. */
  static final int PARTITIONS = 4;
  /** How long to wait for instances, tasks and predictions. */
  static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  final TandemRun run;
  final String modelSync;

  /**
   * Creates the run's topics, its compacted model-sync topic and its task-declarations topic
   * (which the topology may read through a global store; created here if TandemRun did not).
   */
  ScaleOut(String name) {
    this.run = new TandemRun(name, PARTITIONS).createTopics();
    this.modelSync = run.applicationId + "-model-sync";
    TandemConfig any = run.config(Path.of("unused"), Map.of("topics.model-sync", modelSync));
    try (Admin admin = SharedKafka.admin()) {
      TopicSetup.createMissing(admin, List.of(modelSync, any.topics().tasks()), PARTITIONS,
          (short) 1, any.topics().creationConfigs(ModelStores.MAX_SNAPSHOT_BYTES), WAIT);
    }
  }

  /**
   * One instance's configuration: the run's topics, its state directory, any free HTTP port,
   * no snapshots, tasks handed to a joining instance at once (any changelog lag is acceptable:
   * the stores are small), then {@code extra}.
   */
  TandemConfig config(Path stateDir, Map<String, String> extra) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("topics.model-sync", modelSync);
    all.put("http.port", "0");
    all.put("learner.snapshot.interval.ms", "0");
    all.put("acceptable.recovery.lag", String.valueOf(Long.MAX_VALUE));
    all.putAll(extra);
    return run.config(stateDir, all);
  }

  /** The generated stream: 100 users x 50 items, seed 7, 30% base click rate. */
  static List<GeneratedEvent> stream(int ctrEvents, int preferenceEvents) {
    GeneratorConfig generator = GeneratorConfig.defaults().withSeed(7L)
        .withPopulation(100, 50).withEvents(ctrEvents, preferenceEvents).withCtrBaseRate(0.3);
    return StreamGenerator.stream(generator).toList();
  }

  /** The events as (user, JSON) records. */
  static List<Map.Entry<String, String>> records(List<GeneratedEvent> events) {
    List<Map.Entry<String, String>> out = new ArrayList<>(events.size());
    for (GeneratedEvent e : events) {
      out.add(new AbstractMap.SimpleImmutableEntry<>(e.user(),
          new String(GeneratedEventJson.event(e), StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** Waits until every app is RUNNING and the apps together own all {@link #PARTITIONS} tasks. */
  static void awaitAllTasks(List<TandemApp> apps) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      int tasks = 0;
      boolean running = true;
      for (TandemApp app : apps) {
        tasks += app.models().size();
        running &= app.state() == KafkaStreams.State.RUNNING;
      }
      if (running && tasks == PARTITIONS && apps.stream().allMatch(a -> a.models().size() > 0)) {
        return;
      }
      assertThat(System.nanoTime()).as("all %d stream tasks spread over %d running instances;"
          + " have %d", PARTITIONS, apps.size(), tasks).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Every local stream task's dense parameters over {@code apps}, by stream task id. */
  static Map<String, double[]> parameters(List<TandemApp> apps) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (TandemApp app : apps) {
      out.putAll(app.models().denseParameters());
    }
    assertThat(out).as("one replica per stream task").hasSize(PARTITIONS);
    return out;
  }

  /**
   * The largest distance between two replicas relative to the size of their mean:
   * {@code max_{i<j} ||theta_i - theta_j||_2 / ||mean_k theta_k||_2}.
   */
  static double maxRelativeDistance(Map<String, double[]> replicas) {
    List<double[]> all = new ArrayList<>(replicas.values());
    int n = all.get(0).length;
    double[] mean = new double[n];
    for (double[] p : all) {
      for (int i = 0; i < n; i++) {
        mean[i] += p[i] / all.size();
      }
    }
    double norm = 0;
    for (double v : mean) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    double max = 0;
    for (int a = 0; a < all.size(); a++) {
      for (int b = a + 1; b < all.size(); b++) {
        double d = 0;
        for (int i = 0; i < n; i++) {
          double diff = all.get(a)[i] - all.get(b)[i];
          d += diff * diff;
        }
        max = Math.max(max, Math.sqrt(d) / norm);
      }
    }
    return max;
  }

  /**
   * The ROC AUC of the published click scores over the click events of {@code stream} from
   * position {@code from} on, one prediction per event (the first one read, should there be
   * duplicates).
   */
  static double clickAuc(List<GeneratedEvent> stream,
      List<ConsumerRecord<String, String>> predictions, int from) {
    Map<String, Double> scoreById = new HashMap<>();
    for (ConsumerRecord<String, String> p : predictions) {
      try {
        JsonNode node = JSON.readTree(p.value());
        scoreById.putIfAbsent(node.get("id").asText(),
            node.get("scores").get(StreamGenerator.CTR).asDouble());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<GeneratedEvent> clicks = stream.subList(from, stream.size()).stream()
        .filter(e -> e.task().equals(StreamGenerator.CTR)).toList();
    double[] scores = new double[clicks.size()];
    double[] labels = new double[clicks.size()];
    for (int i = 0; i < clicks.size(); i++) {
      Double score = scoreById.get(clicks.get(i).id());
      assertThat(score).as("prediction of %s", clicks.get(i).id()).isNotNull();
      scores[i] = score;
      labels[i] = clicks.get(i).label();
    }
    return Auc.exact(scores, labels);
  }

  /**
   * Produces the events keyed by user, {@code chunk} at a time with {@code pauseMs} in between,
   * so that the stream takes about the same wall-clock time on a fast or a slow machine.
   */
  static void producePaced(String topic, List<GeneratedEvent> stream, int chunk, long pauseMs) {
    Properties props = SharedKafka.clientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    List<Map.Entry<String, String>> records = records(stream);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props,
        new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < records.size(); i++) {
        producer.send(new ProducerRecord<>(topic, records.get(i).getKey(),
            records.get(i).getValue()));
        if ((i + 1) % chunk == 0) {
          producer.flush();
          Thread.sleep(pauseMs);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing", e);
    }
  }
}
