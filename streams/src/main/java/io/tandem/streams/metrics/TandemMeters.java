package io.tandem.streams.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The names of Tandem's meters and one registration helper per meter, so every meter carries
 * the same description, base unit and tag keys wherever it is created.
 *
 * <p>Registering a meter twice with the same name and tags returns the existing meter
 * (Micrometer's rule), so the helpers are safe to call from every stream task. Gauges hold
 * their target weakly (Micrometer's rule): the caller keeps the target alive.
 *
 * <p>Stateless and thread-safe.
 */
public final class TandemMeters {

  /** Labelled events accepted by validation, per task. Tag {@link #TAG_TASK}. */
  public static final String EVENTS_CONSUMED = "tandem.events.consumed";
  /** Labelled events the model has learned from, per task. Tag {@link #TAG_TASK}. */
  public static final String EVENTS_TRAINED = "tandem.events.trained";
  /** Records sent to the dead-letter topic, per rejection reason. Tag {@link #TAG_REASON}. */
  public static final String EVENTS_INVALID = "tandem.events.invalid";
  /** Prediction records published, per source. Tag {@link #TAG_SOURCE}. */
  public static final String PREDICTIONS_PUBLISHED = "tandem.predictions.published";
  /** Events per learned micro-batch. */
  public static final String BATCH_SIZE = "tandem.batch.size";
  /** Wall-clock time of predict + learn for one micro-batch. */
  public static final String BATCH_TRAIN_TIME = "tandem.batch.train.time";
  /** The highest model version among the local models. */
  public static final String MODEL_VERSION = "tandem.model.version";
  /** Windowed prequential ROC AUC of a binary task. Tag {@link #TAG_TASK}. */
  public static final String TASK_AUC = "tandem.task.auc";
  /** Windowed prequential log loss of a binary task. Tag {@link #TAG_TASK}. */
  public static final String TASK_LOGLOSS = "tandem.task.logloss";
  /** Windowed prequential RMSE of a regression task. Tag {@link #TAG_TASK}. */
  public static final String TASK_RMSE = "tandem.task.rmse";
  /** Current loss weight of a task. Tag {@link #TAG_TASK}. */
  public static final String TASK_LOSS_WEIGHT = "tandem.task.loss.weight";

  /** Tag key: a declared task name. */
  public static final String TAG_TASK = "task";
  /** Tag key: a rejection reason code. */
  public static final String TAG_REASON = "reason";
  /** Tag key: {@code event} or {@code request}. */
  public static final String TAG_SOURCE = "source";

  private TandemMeters() {}

  /** The {@link #EVENTS_CONSUMED} counter of {@code task}. */
  public static Counter eventsConsumed(MeterRegistry registry, String task) {
    return Counter.builder(EVENTS_CONSUMED)
        .description("Labelled events accepted by validation")
        .baseUnit("events")
        .tag(TAG_TASK, Objects.requireNonNull(task, "task"))
        .register(registry);
  }

  /** The {@link #EVENTS_TRAINED} counter of {@code task}. */
  public static Counter eventsTrained(MeterRegistry registry, String task) {
    return Counter.builder(EVENTS_TRAINED)
        .description("Labelled events the model has learned from")
        .baseUnit("events")
        .tag(TAG_TASK, Objects.requireNonNull(task, "task"))
        .register(registry);
  }

  /**
   * The {@link #EVENTS_INVALID} counter of one rejection reason.
   *
   * @param reason a rejection reason code (a bounded set, e.g. {@code malformed-json})
   */
  public static Counter eventsInvalid(MeterRegistry registry, String reason) {
    return Counter.builder(EVENTS_INVALID)
        .description("Input records routed to the dead-letter topic")
        .baseUnit("records")
        .tag(TAG_REASON, Objects.requireNonNull(reason, "reason"))
        .register(registry);
  }

  /**
   * The {@link #PREDICTIONS_PUBLISHED} counter of one source.
   *
   * @param source {@code event} or {@code request}
   */
  public static Counter predictionsPublished(MeterRegistry registry, String source) {
    return Counter.builder(PREDICTIONS_PUBLISHED)
        .description("Prediction records published")
        .baseUnit("predictions")
        .tag(TAG_SOURCE, Objects.requireNonNull(source, "source"))
        .register(registry);
  }

  /** The {@link #BATCH_SIZE} distribution summary. */
  public static DistributionSummary batchSize(MeterRegistry registry) {
    return DistributionSummary.builder(BATCH_SIZE)
        .description("Labelled events per learned micro-batch")
        .baseUnit("events")
        .register(registry);
  }

  /** The {@link #BATCH_TRAIN_TIME} timer. */
  public static Timer batchTrainTime(MeterRegistry registry) {
    return Timer.builder(BATCH_TRAIN_TIME)
        .description("Time to predict and learn one micro-batch")
        .register(registry);
  }

  /**
   * Registers the {@link #MODEL_VERSION} gauge.
   *
   * @param target the object the gauge reads (held weakly by Micrometer)
   * @param version reads the version from {@code target}
   */
  public static <T> Gauge modelVersion(MeterRegistry registry, T target,
      ToDoubleFunction<T> version) {
    return Gauge.builder(MODEL_VERSION, target, version)
        .description("Highest model version (learning steps) among this instance's models")
        .baseUnit("steps")
        .register(registry);
  }

  /**
   * Registers one per-task gauge: {@link #TASK_AUC}, {@link #TASK_LOGLOSS}, {@link #TASK_RMSE}
   * or {@link #TASK_LOSS_WEIGHT}.
   *
   * @param name one of the four per-task gauge names
   * @param task a declared task name
   * @param target the object the gauge reads (held weakly by Micrometer)
   * @param value reads the value from {@code target}; NaN while undefined
   * @throws IllegalArgumentException if {@code name} is not a per-task gauge
   */
  public static <T> Gauge taskGauge(MeterRegistry registry, String name, String task, T target,
      ToDoubleFunction<T> value) {
    String description;
    String unit;
    switch (name) {
      case TASK_AUC -> {
        description = "Windowed prequential ROC AUC of a binary task";
        unit = "ratio";
      }
      case TASK_LOGLOSS -> {
        description = "Windowed prequential mean log loss of a binary task";
        unit = "nats";
      }
      case TASK_RMSE -> {
        description = "Windowed prequential root mean squared error of a regression task";
        unit = "label-units";
      }
      case TASK_LOSS_WEIGHT -> {
        description = "Current loss weight of a task";
        unit = "ratio";
      }
      default -> throw new IllegalArgumentException("name: not a per-task gauge, got '" + name
          + "'; expected one of " + TASK_AUC + ", " + TASK_LOGLOSS + ", " + TASK_RMSE + ", "
          + TASK_LOSS_WEIGHT);
    }
    return Gauge.builder(name, target, value)
        .description(description)
        .baseUnit(unit)
        .tag(TAG_TASK, Objects.requireNonNull(task, "task"))
        .register(registry);
  }
}
