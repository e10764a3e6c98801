package io.tandem.streams.tasks;

import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.Topics;
import io.tandem.streams.io.KafkaClients;
import io.tandem.streams.io.TopicSetup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the task-declaration topic exists before Kafka Streams starts: its global store
 * ({@link TaskDeclarationStore}) cannot start over a missing topic, and an application that
 * never declares a task at runtime should not have to create it by hand. Created compacted with
 * one partition (declarations are few and must be read in one order) and
 * {@code topics.replication-factor}.
 */
public final class TaskTopic {

  private static final Logger LOG = LoggerFactory.getLogger(TaskTopic.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TaskTopic() {}

  /**
   * Creates {@code topics.tasks} if it is missing. A failure (no permission, broker unreachable
   * within 30 s) is logged, not thrown: Kafka Streams then reports the missing topic itself.
   */
  public static void ensureExists(TandemConfig config) {
    Objects.requireNonNull(config, "config");
    Topics topics = config.topics();
    try (Admin admin = Admin.create(KafkaClients.admin(config.kafkaProperties(), TIMEOUT))) {
      List<String> created = TopicSetup.createMissing(admin, List.of(topics.tasks()), 1,
          topics.replicationFactor(), Map.of(topics.tasks(), Topics.TASKS_TOPIC_CONFIG),
          TIMEOUT);
      if (!created.isEmpty()) {
        LOG.info("created the task-declaration topic {} (compacted, 1 partition)",
            topics.tasks());
      }
    } catch (RuntimeException e) {
      LOG.warn("could not make sure the task-declaration topic {} exists: {}", topics.tasks(),
          e.getMessage());
    }
  }
}
