package io.tandem.streams.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The topic names Tandem reads and writes, and how to create them when missing.
 *
 * @param events             labelled events ({@code topics.events})
 * @param requests           unlabelled prediction requests ({@code topics.requests})
 * @param predictions        predictions out ({@code topics.predictions})
 * @param transferUpdates    transfer-learning updates ({@code topics.transfer-updates})
 * @param tasks              task declarations ({@code topics.tasks})
 * @param deadLetter         rejected input, bytes untouched ({@code topics.dead-letter})
 * @param model              model snapshots, compacted ({@code topics.model})
 * @param modelSync          dense parameters of every stream task for replica sync, compacted
 *                           ({@code topics.model-sync})
 * @param perTaskEventTopics extra event topic per task name ({@code task.<name>.topic}); may be
 * empty
 * @param partitions         partitions of topics Tandem creates, &gt;= 1
 * @param replicationFactor  replication factor of topics Tandem creates, &gt;= 1
 */
public record Topics(
    String events,
    String requests,
    String predictions,
    String transferUpdates,
    String tasks,
    String deadLetter,
    String model,
    String modelSync,
    Map<String, String> perTaskEventTopics,
    int partitions,
    short replicationFactor) {

  /** Validates names and counts; copies the map. */
  public Topics {
    for (String name : List.of(events, requests, predictions, transferUpdates, tasks, deadLetter,
        model, modelSync)) {
      if (Objects.requireNonNull(name, "topic name").isBlank()) {
        throw new IllegalArgumentException("topic names must not be blank");
      }
    }
    perTaskEventTopics = Map.copyOf(perTaskEventTopics);
    if (partitions < 1) {
      throw new IllegalArgumentException("topics.partitions: must be >= 1, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "topics.replication-factor: must be >= 1, got " + replicationFactor);
    }
  }

  /** Every input topic with labelled events: {@link #events()} first, then per-task topics sorted.
   * */
  public List<String> eventTopics() {
    Set<String> out = new LinkedHashSet<>();
    out.add(events);
    perTaskEventTopics.values().stream().sorted().forEach(out::add);
    return List.copyOf(out);
  }

  /** Every topic Tandem uses, without duplicates, in a stable order (the ones to create if
   * missing). */
  public List<String> all() {
    Set<String> out = new LinkedHashSet<>(eventTopics());
    out.addAll(List.of(requests, predictions, transferUpdates, tasks, deadLetter, model,
        modelSync));
    return List.copyOf(new ArrayList<>(out));
  }

  /** The settings the task-declaration topic is created with: compacted. */
  public static final Map<String, String> TASKS_TOPIC_CONFIG = Map.of("cleanup.policy", "compact");

  /**
   * Topic settings Tandem creates a topic with beyond partitions and replication: the task
   * declarations, the model snapshots and the model-sync parameters are compacted (only the
   * newest record per key matters), and a snapshot or sync record may be as large as
   * {@code maxSnapshotBytes}.
   */
  public Map<String, Map<String, String>> creationConfigs(int maxSnapshotBytes) {
    return Map.of(
        tasks, TASKS_TOPIC_CONFIG,
        model, Map.of("cleanup.policy", "compact",
            "max.message.bytes", String.valueOf(maxSnapshotBytes)),
        modelSync, Map.of("cleanup.policy", "compact",
            "max.message.bytes", String.valueOf(maxSnapshotBytes)));
  }
}
