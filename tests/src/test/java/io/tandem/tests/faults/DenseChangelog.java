package io.tandem.tests.faults;

import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.TaskSettings;
import io.tandem.streams.topology.ModelStores;
import io.tandem.streams.topology.TandemTopology;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what a Tandem application last committed to its dense-state changelog
 * ({@code <application.id>-tandem-model-dense-changelog}; its records under key
 * {@link ModelStores#DENSE_KEY} are the writes of a stream task's dense blob, other keys are
 * skipped) and decodes the newest blob of each partition with a model of the same
 * configuration: its version and the number of labelled events it has learned. This is the
 * durable truth a restarted instance would restore, independent of any instance's counters.
 */
final class DenseChangelog {

  /** The committed model state of one stream task (one changelog partition). */
  record TaskState(int partition, long version, long eventsLearned) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private DenseChangelog() {}

  /** The changelog topic of Tandem's {@code store} for {@code applicationId}. */
  static String topic(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }

  /**
   * The newest committed dense state of every partition (read_committed, up to the end).
   *
   * @param config the application's configuration (its model and task settings decode the blob)
   */
  static Map<Integer, TaskState> read(String bootstrapServers, TandemConfig config) {
    String topic = topic(config.get("application.id"), ModelStores.DENSE_STORE);
    Map<Integer, byte[]> newest = new HashMap<>();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, ModelStores.MAX_DENSE_BYTES * 2);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
          .map(info -> new TopicPartition(topic, info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + end + " within " + TIMEOUT);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (ModelStores.DENSE_KEY.equals(r.key()) && r.value() != null) {
            newest.put(r.partition(), r.value());
          }
        }
      }
    }
    List<TaskSpec> tasks = config.taskSettings().stream().map(TaskSettings::spec).toList();
    Map<Integer, TaskState> out = new HashMap<>();
    newest.forEach((partition, blob) -> {
      MultiTaskModel model = MultiTaskModel.create(TandemTopology.modelConfig(config), tasks);
      model.importDense(blob);
      out.put(partition, new TaskState(partition, model.version(), model.events()));
    });
    return out;
  }

  /** The sum of the end offsets of a topic's partitions: records a full restore would read. */
  static long records(String bootstrapServers, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
          .map(info -> new TopicPartition(topic, info.partition())).toList();
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
      return consumer.endOffsets(partitions, TIMEOUT).entrySet().stream()
          .mapToLong(e -> e.getValue() - begin.get(e.getKey())).sum();
    }
  }
}
