package io.tandem.streams.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.streams.metrics.TandemMeters;

/**
 * Registers one task's quality gauges over the live models: windowed AUC and log loss (binary)
 * or RMSE (regression), and the task's loss weight. Used at start for the configured tasks and
 * by a learner for a task declared at runtime; registering an existing gauge again returns it.
 */
public final class TaskGauges {

  private TaskGauges() {}

  /** Registers {@code task}'s gauges in {@code registry}, reading {@code models}. */
  public static void register(MeterRegistry registry, TaskSpec task, LiveModels models) {
    String name = task.name();
    if (task.kind() == TaskKind.BINARY) {
      TandemMeters.taskGauge(registry, TandemMeters.TASK_AUC, name, models,
          m -> m.metrics(name).auc());
      TandemMeters.taskGauge(registry, TandemMeters.TASK_LOGLOSS, name, models,
          m -> m.metrics(name).logLoss());
    } else {
      TandemMeters.taskGauge(registry, TandemMeters.TASK_RMSE, name, models,
          m -> m.metrics(name).rmse());
    }
    TandemMeters.taskGauge(registry, TandemMeters.TASK_LOSS_WEIGHT, name, models,
        m -> m.lossWeight(name));
  }
}
