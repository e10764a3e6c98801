package io.tandem.streams.topology;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Actions to run, per stream task, just before that task's state is committed.
 *
 * <p>The learning processor registers "write what changed" here ({@link CommitWriter}: the
 * pending events, the log truncation and, when due, a checkpoint); the {@link SaveOnCommitStore}
 * wrapping the dense model store runs it once per commit, when Kafka Streams flushes that store's
 * cache on the way to the commit, so what it writes lands in the same commit (and, under
 * {@code exactly_once_v2}, the same transaction) as the predictions and the input offsets.
 *
 * <p>Thread-safety: registration and lookup are safe from any thread; each action runs on the
 * stream thread that commits its task (the thread that registered it).
 */
final class BeforeCommitHooks {

  private final Map<TaskId, Runnable> hooks = new ConcurrentHashMap<>();

  /** Registers (or replaces) the action of {@code task}. */
  void register(TaskId task, Runnable beforeCommit) {
    hooks.put(Objects.requireNonNull(task, "task"),
        Objects.requireNonNull(beforeCommit, "beforeCommit"));
  }

  /** Removes the action of {@code task}, if it is still {@code beforeCommit}. */
  void unregister(TaskId task, Runnable beforeCommit) {
    hooks.remove(task, beforeCommit);
  }

  /** Runs the action of {@code task}; nothing if none is registered (e.g. before the processor's init). */
  void run(TaskId task) {
    Runnable hook = hooks.get(task);
    if (hook != null) {
      hook.run();
    }
  }
}
