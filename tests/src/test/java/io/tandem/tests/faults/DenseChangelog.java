package io.tandem.tests.faults;

import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.TaskSettings;
import io.tandem.streams.topology.BatchLog;
import io.tandem.streams.topology.Checkpoint;
import io.tandem.streams.topology.ModelStores;
import java.nio.charset.StandardCharsets;
import io.tandem.streams.topology.TandemTopology;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads what a Tandem application last committed to its model changelogs: the checkpoint in
 * {@code <application.id>-tandem-model-dense-changelog} (records under key
 * {@link ModelStores#DENSE_KEY} are the writes of a stream task's dense blob, under
 * {@link ModelStores#CHECKPOINT_KEY} its {@link Checkpoint} mark; other keys are skipped) and the
 * batch log in {@code <application.id>-tandem-model-log-changelog} (one record per learned batch,
 * a tombstone once a checkpoint covers it). Per partition, the committed model is the newest
 * checkpoint plus the live log entries from its mark on: its version and learned-event count are
 * those recorded by the last such entry ({@link BatchLog.Entry#versionAfter()}), or the
 * checkpointed blob's when there is none. This is the durable truth a restarted instance would
 * restore, independent of any instance's counters.
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
   * The committed model state of every partition: checkpoint plus live log (read_committed, up
   * to the end).
   *
   * @param config the application's configuration (its model and task settings decode the blob)
   */
  static Map<Integer, TaskState> read(String bootstrapServers, TandemConfig config) {
    String applicationId = config.get("application.id");
    Map<Integer, byte[]> newest = new HashMap<>();
    Map<Integer, Checkpoint> marks = new HashMap<>();
    forEachRecord(bootstrapServers, topic(applicationId, ModelStores.DENSE_STORE), r -> {
      if (ModelStores.DENSE_KEY.equals(new String(r.key(), StandardCharsets.UTF_8))
          && r.value() != null) {
        newest.put(r.partition(), r.value());
      } else if (ModelStores.CHECKPOINT_KEY.equals(new String(r.key(), StandardCharsets.UTF_8))
          && r.value() != null) {
        marks.put(r.partition(), Checkpoint.decode(r.value()));
      }
    });
    // The live log: the newest value of each key, a tombstone removing it.
    Map<Integer, TreeMap<Long, byte[]>> logs = new HashMap<>();
    forEachRecord(bootstrapServers, topic(applicationId, ModelStores.LOG_STORE), r -> {
      TreeMap<Long, byte[]> log = logs.computeIfAbsent(r.partition(), p -> new TreeMap<>());
      long sequence = BatchLog.sequence(r.key());
      if (r.value() == null) {
        log.remove(sequence);
      } else {
        log.put(sequence, r.value());
      }
    });
    List<TaskSpec> tasks = config.taskSettings().stream().map(TaskSettings::spec).toList();
    Map<Integer, TaskState> out = new HashMap<>();
    Set<Integer> partitions = new HashSet<>(newest.keySet());
    partitions.addAll(logs.keySet());
    for (int partition : partitions) {
      long mark = marks.containsKey(partition) ? marks.get(partition).nextSequence() : 0;
      Map.Entry<Long, byte[]> last = logs.getOrDefault(partition, new TreeMap<>())
          .tailMap(mark, true).lastEntry();
      if (last != null) {
        BatchLog.Entry entry = BatchLog.decode(last.getValue());
        out.put(partition, new TaskState(partition, entry.versionAfter(), entry.eventsAfter()));
      } else if (newest.containsKey(partition)) {
        MultiTaskModel model = MultiTaskModel.create(TandemTopology.modelConfig(config), tasks);
        model.importDense(newest.get(partition));
        out.put(partition, new TaskState(partition, model.version(), model.events()));
      }
    }
    return out;
  }

  /** Reads a topic from the beginning to its end, read_committed, in offset order per partition. */
  private static void forEachRecord(String bootstrapServers, String topic,
      Consumer<ConsumerRecord<byte[], byte[]>> action) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, ModelStores.MAX_DENSE_BYTES * 2);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          action.accept(r);
        }
      }
    }
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
