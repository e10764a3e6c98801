package io.tandem.streams.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics Tandem needs when they do not exist yet; existing topics are left exactly as
 * they are. Thread-safe (stateless).
 */
public final class TopicSetup {

  private TopicSetup() {}

  /**
   * Creates each missing topic with the given partitions and replication factor and waits for the
   * broker.
   *
   * @param admin             an admin client for the cluster
   * @param topics            topic names
   * @param partitions        partitions of new topics, &gt;= 1
   * @param replicationFactor replication factor of new topics, &gt;= 1
   * @param timeout           how long to wait in total
   * @return the topics that were created (those that already existed are not listed)
   * @throws IllegalStateException naming the topic if creation fails or times out
   */
  public static List<String> createMissing(Admin admin, Collection<String> topics, int partitions,
      short replicationFactor, Duration timeout) {
    return createMissing(admin, topics, partitions, replicationFactor, Map.of(), timeout);
  }

  /**
   * Like {@link #createMissing(Admin, Collection, int, short, Duration)}, creating some topics with
   * extra settings (e.g. {@code cleanup.policy=compact}).
   *
   * @param configs topic name to its settings at creation; topics not in it get the broker's
   *     defaults; not null
   */
  public static List<String> createMissing(Admin admin, Collection<String> topics, int partitions,
      short replicationFactor, Map<String, Map<String, String>> configs, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String topic : topics) {
        if (!existing.contains(topic)) {
          missing.add(new NewTopic(topic, partitions, replicationFactor)
              .configs(configs.getOrDefault(topic, Map.of())));
        }
      }
      List<String> created = new ArrayList<>();
      for (Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(missing).values().entrySet()) {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try {
          e.getValue().get(left, TimeUnit.MILLISECONDS);
          created.add(e.getKey());
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + e.getKey() + " (" + partitions
                + " partitions, replication factor " + replicationFactor + "): " + ex.getCause().getMessage(),
                ex.getCause());
          }
        }
      }
      created.sort(null);
      awaitWritable(admin, missing, deadline);
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the cluster did not answer within " + timeout + " while creating topics "
          + topics, e);
    }
  }

  /**
   * Makes sure {@code topic} exists: returns if it does, creates it with {@code createPartitions}
   * partitions (replication factor 1) if that is given, and fails otherwise.
   *
   * @param clientProps      Kafka client properties with {@code bootstrap.servers} (and security
   * keys if any)
   * @param topic            the topic
   * @param createPartitions partitions to create it with, or null to require that it exists
   * @param timeout          how long to wait for the cluster
   * @throws IllegalArgumentException if the topic is missing and may not be created, or partitions
   * &lt; 1
   * @throws IllegalStateException    if the cluster cannot be reached in time
   */
  public static void ensureExists(Properties clientProps, String topic, Integer createPartitions,
      Duration timeout) {
    if (createPartitions != null && createPartitions < 1) {
      throw new IllegalArgumentException("--create-topic: partitions must be >= 1, got " + createPartitions);
    }
    String bootstrap = clientProps.getProperty("bootstrap.servers");
    try (Admin admin = Admin.create(KafkaClients.admin(clientProps, timeout))) {
      Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (names.contains(topic)) {
        return;
      }
      if (createPartitions == null) {
        throw new IllegalArgumentException("topic " + topic + " does not exist on " + bootstrap
            + "; create it (`tandem run` creates Tandem's topics) or pass --create-topic PARTITIONS");
      }
      createMissing(admin, List.of(topic), createPartitions, (short) 1, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot reach Kafka at " + bootstrap + " within " + timeout.toSeconds()
          + " s", e);
    }
  }

  /**
   * Waits until every partition of the new topics answers a list-offsets request, which only the
   * partition's leader does once it has taken leadership. Without this wait, a producer that starts
   * right after creation can hit NOT_LEADER_OR_FOLLOWER on a combined broker+controller node and,
   * with idempotence, get stuck retrying OUT_OF_ORDER_SEQUENCE_NUMBER (seen with Kafka 4.4).
   */
  private static void awaitWritable(Admin admin, List<NewTopic> topics, long deadlineNanos)
      throws InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
    for (NewTopic topic : topics) {
      for (int p = 0; p < topic.numPartitions(); p++) {
        partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
      }
    }
    if (partitions.isEmpty()) {
      return;
    }
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      if (left <= 0) {
        throw new TimeoutException("partitions of " + topics.stream().map(NewTopic::name).toList()
            + " have no leader yet");
      }
      try {
        admin.listOffsets(partitions).all().get(left, TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        Thread.sleep(50);
      }
    }
  }
}
