package io.tandem.streams.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.model.TaskSpec;
import io.tandem.streams.metrics.TandemMeters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One learner's per-task event counters: {@code tandem.events.consumed} (an event entered the
 * batch buffer) and {@code tandem.events.trained} (its batch was learned). Counters of a task the
 * learner does not know (yet) are not touched: such an event cannot reach the learner.
 *
 * <p>Not thread-safe: used by the learner's stream thread (the counters themselves are).
 */
final class TaskCounters {

  private final MeterRegistry meters;
  private final Map<String, Counter> consumed = new HashMap<>();
  private final Map<String, Counter> trained = new HashMap<>();

  TaskCounters(MeterRegistry meters) {
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  /** Registers (or finds, if registered) the counters of {@code task}. */
  void register(TaskSpec task) {
    String name = task.name();
    consumed.put(name, TandemMeters.eventsConsumed(meters, name));
    trained.put(name, TandemMeters.eventsTrained(meters, name));
  }

  /** Counts one event of {@code task} entering the batch buffer. */
  void consumed(String task) {
    Counter c = consumed.get(task);
    if (c != null) {
      c.increment();
    }
  }

  /** Counts every event of a learned batch, one increment per task. */
  void trained(List<PendingEvents.Entry> batch) {
    Map<String, Integer> perTask = new HashMap<>(4);
    for (PendingEvents.Entry e : batch) {
      perTask.merge(e.event().task(), 1, Integer::sum);
    }
    perTask.forEach((task, n) -> {
      Counter c = trained.get(task);
      if (c != null) {
        c.increment(n);
      }
    });
  }
}
