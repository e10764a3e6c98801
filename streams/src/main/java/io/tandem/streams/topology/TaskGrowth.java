package io.tandem.streams.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grows one learner's model by the tasks declared at runtime ({@link DynamicTaskCatalog}) and
 * gives each new task its meters.
 *
 * <p>Call order: {@link #adoptRestored} once after the model was restored (a model that grew
 * before a restart brings its runtime tasks back), then {@link #grow} before each batch and
 * request; it does nothing unless the catalog changed since the last call. Growing a task in:
 * {@link PrequentialTrainer#addTask} (a fresh tower; when drift is watched, an onboarding whose
 * {@code onboard} transfer updates later batches publish), the task's event counters and quality
 * gauges. The caller stores the grown shape and re-registers its serving view.
 *
 * <p>Not thread-safe: the learner's stream thread only.
 */
final class TaskGrowth {

  private static final Logger LOG = LoggerFactory.getLogger(TaskGrowth.class);

  private final DynamicTaskCatalog catalog;
  private final MeterRegistry meters;
  private final LiveModels models;
  private final TaskCounters counters;
  private final String scope;
  private long catalogVersion = -1;

  /**
   * @param catalog the declared tasks
   * @param meters where a new task's gauges and the rejection counter go
   * @param models the registry the gauges read
   * @param counters the learner's per-task event counters
   * @param scope the stream task id, for log lines
   */
  TaskGrowth(DynamicTaskCatalog catalog, MeterRegistry meters, LiveModels models,
      TaskCounters counters, String scope) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.models = Objects.requireNonNull(models, "models");
    this.counters = Objects.requireNonNull(counters, "counters");
    this.scope = Objects.requireNonNull(scope, "scope");
  }

  /**
   * After a restore: the restored model's runtime-declared tasks (those after the first
   * {@code configuredTasks}) get their meters, and the catalog is told about them (the model's
   * declaration wins over a conflicting one on the topic; the conflict is logged and counted).
   */
  void adoptRestored(MultiTaskModel model, int configuredTasks) {
    for (TaskSpec task : model.tasks().subList(configuredTasks, model.tasks().size())) {
      registerMeters(task);
      catalog.adopt(task, model.config().taskWeight(task.name())).ifPresent(reason -> {
        TandemMeters.taskDeclarations(meters, DynamicTaskCatalog.Outcome.REJECTED.label())
            .increment();
        LOG.warn("stream task {}: {}", scope, reason);
      });
    }
  }

  /**
   * Grows the model by every task the catalog declares and the model lacks, in catalog order.
   *
   * @param trainer the learner's trainer, which drives the grown model from now on
   * @param model the learner's current model
   * @param beforeEach runs before each task is added, with the model about to grow (the
   *     learner saves the rows that model changed: the grown model does not track them)
   * @return the grown model, or empty if no task was added
   */
  Optional<MultiTaskModel> grow(PrequentialTrainer trainer, MultiTaskModel model,
      Consumer<MultiTaskModel> beforeEach) {
    long version = catalog.version();
    if (version == catalogVersion) {
      return Optional.empty();
    }
    catalogVersion = version;
    MultiTaskModel current = model;
    for (TaskDeclaration declared : catalog.declared()) {
      if (current.tasks().stream().anyMatch(t -> t.name().equals(declared.name()))) {
        continue;
      }
      TaskSpec task = DynamicTaskCatalog.spec(declared);
      beforeEach.accept(current);
      current = trainer.addTask(task, declared.weight());
      registerMeters(task);
      LOG.info("stream task {}: model grown by task '{}' ({}, weight {}) at version {}; tasks"
          + " now {}", scope, task.name(), task.kind(), declared.weight(), current.version(),
          current.tasks().stream().map(TaskSpec::name).toList());
    }
    return current == model ? Optional.empty() : Optional.of(current);
  }

  /**
   * A runtime task's meters: its event counters, and the gauges the app registers at start for
   * configured tasks (windowed AUC and log loss, or RMSE; loss weight), which read the registry
   * of live models. Registering an existing meter again returns it.
   */
  private void registerMeters(TaskSpec task) {
    counters.register(task);
    TaskGauges.register(meters, task, models);
  }
}
