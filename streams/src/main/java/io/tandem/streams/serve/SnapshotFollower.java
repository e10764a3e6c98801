package io.tandem.streams.serve;

import io.tandem.model.MultiTaskModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the model-snapshot topic: reads it from the beginning (it is compacted, so that is the
 * newest snapshot per stream task plus whatever came since) and then keeps polling, installing
 * each snapshot into {@link FollowedModels} as it arrives. A record that is not a readable
 * snapshot (another format version, corrupt) is logged and counted, and the model before it stays.
 *
 * <p>Runs one background daemon thread between {@link #start} and {@link #close}; the consumer has
 * no group (it assigns every partition itself), so any number of serving instances can follow.
 */
public final class SnapshotFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotFollower.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final FollowedModels models;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong installed = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private Thread thread;

  /**
   * Prepares a follower (nothing is read before {@link #start}).
   *
   * @param clientProps Kafka client settings (bootstrap servers, security); copied; not null
   * @param topic the snapshot topic ({@code topics.model})
   * @param models where the snapshots go
   */
  public SnapshotFollower(Properties clientProps, String topic, FollowedModels models) {
    Properties props = new Properties();
    props.putAll(Objects.requireNonNull(clientProps, "clientProps"));
    props.remove("group.id");
    props.put("enable.auto.commit", "false");
    props.put("max.partition.fetch.bytes", String.valueOf(64 * 1024 * 1024));
    props.put("fetch.max.bytes", String.valueOf(128 * 1024 * 1024));
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer());
    this.topic = Objects.requireNonNull(topic, "topic");
    this.models = Objects.requireNonNull(models, "models");
  }

  /**
   * Assigns every partition of the topic, from the beginning, and starts following.
   *
   * @throws IllegalStateException if the topic does not exist (start the learners first, or let
   *     {@code tandem run} create it)
   */
  public void start() {
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
        .stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " (topics.model) does not exist; the"
          + " learners create and fill it (tandem run)");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    running.set(true);
    thread = new Thread(this::follow, "tandem-snapshot-follower");
    thread.setDaemon(true);
    thread.start();
  }

  /** Snapshots installed so far. */
  public long installed() {
    return installed.get();
  }

  /** Records that were not readable snapshots. */
  public long unreadable() {
    return unreadable.get();
  }

  private void follow() {
    try {
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          install(record);
        }
      }
    } catch (WakeupException stopping) {
      // close() woke the poll up
    } finally {
      consumer.close();
    }
  }

  private void install(ConsumerRecord<String, byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    try {
      MultiTaskModel model = MultiTaskModel.readSnapshot(new ByteArrayInputStream(record.value()));
      if (models.put(record.key(), model)) {
        installed.incrementAndGet();
        LOG.info("serving stream task {}'s model version {}", record.key(), model.version());
      }
    } catch (IOException | IllegalArgumentException e) {
      unreadable.incrementAndGet();
      LOG.warn("snapshot of stream task {} at {}-{} offset {} is not readable ({}); keeping the"
          + " model before it", record.key(), record.topic(), record.partition(), record.offset(),
          e.getMessage());
    }
  }

  /**
   * Stops following and closes the consumer (waits for the thread at most 10 s; an interrupt
   * while waiting is kept as the calling thread's interrupt status).
   */
  @Override
  public void close() {
    running.set(false);
    if (thread == null) {
      consumer.close();
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
