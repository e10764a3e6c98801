package io.tandem.streams.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
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

  /** Time from a request record's timestamp to its prediction being handed to the producer. */
  public static final String REQUEST_LATENCY = "tandem.request.latency";
  /** Admitted rows of an embedding table, summed over the local models. Tag {@link #TAG_TABLE}. */
  public static final String EMBEDDING_ROWS = "tandem.embedding.rows";
  /** Rows admitted to an embedding table, summed over the local models. Tag {@link #TAG_TABLE}. */
  public static final String EMBEDDING_ADMISSIONS = "tandem.embedding.admissions";
  /** Rows and pending ids expired from a table, summed over the local models. Tag {@link #TAG_TABLE}. */
  public static final String EMBEDDING_EVICTIONS = "tandem.embedding.evictions";
  /** Online affinity of one task's gradient to another's. Tags {@link #TAG_TASK}, {@link #TAG_SOURCE_TASK}. */
  public static final String TASK_AFFINITY = "tandem.task.affinity";

  /** Drift alarms raised on a task's loss signal. Tags {@link #TAG_TASK}, {@link #TAG_DETECTOR}. */
  public static final String DRIFT_DETECTIONS = "tandem.drift.detections";
  /**
   * Warnings of a task's more sensitive warning detector that started a transfer candidate in
   * shadow. Tags {@link #TAG_TASK}, {@link #TAG_DETECTOR}.
   */
  public static final String DRIFT_WARNINGS = "tandem.drift.warnings";
  /**
   * Transfer updates published (one when a candidate starts, one when the guard decides). Tags
   * {@link #TAG_TASK}, {@link #TAG_ACTION}, {@link #TAG_TRIGGER}, {@link #TAG_DECISION}.
   */
  public static final String TRANSFER_UPDATES = "tandem.transfer.updates";

  // Replica sync (scale-out, io.tandem.streams.sync).
  /** Dense-parameter records a stream task published on the model-sync topic. */
  public static final String SYNC_PUBLISHED = "tandem.sync.published";
  /** Mixes: times a stream task mixed the mean of other replicas' parameters into its own. */
  public static final String SYNC_MIXED = "tandem.sync.mixed";
  /** Age of the newest parameters in a mix (mix time minus their publication time). */
  public static final String SYNC_LAG = "tandem.sync.lag";
  /** Time one sync step took on the stream thread. Tag {@link #TAG_STEP}. */
  public static final String SYNC_TIME = "tandem.sync.time";
  /** Size of a published sync record. */
  public static final String SYNC_RECORD_SIZE = "tandem.sync.record.size";
  /** Promotions of other stream tasks this instance's replicas applied. Tag {@link #TAG_TASK}. */
  public static final String TRANSFER_APPLIED = "tandem.transfer.applied";

  // Tasks declared at runtime (io.tandem.streams.tasks).
  /**
   * Records read from the task-declaration topic, per outcome ({@code accepted},
   * {@code unchanged}, {@code rejected}). Tag {@link #TAG_OUTCOME}.
   */
  public static final String TASK_DECLARATIONS = "tandem.tasks.declarations";
  /** Tag key: what became of a task declaration. */
  public static final String TAG_OUTCOME = "outcome";
  /** Tag key: a sync step ({@code publish}, {@code mix}). */
  public static final String TAG_STEP = "step";

  /** Tag key: a declared task name. */
  public static final String TAG_TASK = "task";
  /** Tag key: a rejection reason code. */
  public static final String TAG_REASON = "reason";
  /** Tag key: {@code event} or {@code request}. */
  public static final String TAG_SOURCE = "source";
  /** Tag key: an embedding table ({@code user}, {@code item}, {@code ctx.<declared field>}). */
  public static final String TAG_TABLE = "table";
  /** Tag key: a drift detector ({@code adwin}, {@code page-hinkley}, {@code ddm}). */
  public static final String TAG_DETECTOR = "detector";
  /** Tag key: a transfer action ({@code transfer}, {@code onboard}). */
  public static final String TAG_ACTION = "action";
  /** Tag key: a transfer decision ({@code started}, {@code promoted}, {@code rolled_back}). */
  public static final String TAG_DECISION = "decision";
  /**
   * Tag key: what started a transfer ({@code drift}, {@code drift_warning}, {@code new_task}: the
   * {@code trigger} of the TransferUpdate record).
   */
  public static final String TAG_TRIGGER = "trigger";
  /** Tag key: the task whose gradient helps (a declared task name). */
  public static final String TAG_SOURCE_TASK = "source_task";

  private TandemMeters() {}

  /** The {@link #EVENTS_CONSUMED} counter of {@code task}. */
  public static Counter eventsConsumed(MeterRegistry registry, String task) {
    return taggedCounter(registry, EVENTS_CONSUMED, "Labelled events accepted by validation",
        "events", TAG_TASK, Objects.requireNonNull(task, "task"));
  }

  /** The {@link #EVENTS_TRAINED} counter of {@code task}. */
  public static Counter eventsTrained(MeterRegistry registry, String task) {
    return taggedCounter(registry, EVENTS_TRAINED, "Labelled events the model has learned from",
        "events", TAG_TASK, Objects.requireNonNull(task, "task"));
  }

  /**
   * The {@link #EVENTS_INVALID} counter of one rejection reason.
   *
   * @param reason a rejection reason code (a bounded set, e.g. {@code malformed-json})
   */
  public static Counter eventsInvalid(MeterRegistry registry, String reason) {
    return taggedCounter(registry, EVENTS_INVALID, "Input records routed to the dead-letter topic",
        "records", TAG_REASON, Objects.requireNonNull(reason, "reason"));
  }

  /**
   * The {@link #PREDICTIONS_PUBLISHED} counter of one source.
   *
   * @param source {@code event} or {@code request}
   */
  public static Counter predictionsPublished(MeterRegistry registry, String source) {
    return taggedCounter(registry, PREDICTIONS_PUBLISHED, "Prediction records published",
        "predictions", TAG_SOURCE, Objects.requireNonNull(source, "source"));
  }

  /** The {@link #BATCH_SIZE} distribution summary. */
  public static DistributionSummary batchSize(MeterRegistry registry) {
    return DistributionSummary.builder(BATCH_SIZE)
        .description("Labelled events per learned micro-batch")
        .baseUnit("events")
        .register(registry);
  }

  /** The {@link #BATCH_TRAIN_TIME} timer, with a histogram over 100 µs .. 10 s. */
  public static Timer batchTrainTime(MeterRegistry registry) {
    return Timer.builder(BATCH_TRAIN_TIME)
        .description("Time to predict and learn one micro-batch")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
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

  /**
   * The {@link #REQUEST_LATENCY} timer, with a percentile histogram (Prometheus computes p50/p99
   * with {@code histogram_quantile}) over 100 µs .. 10 s.
   */
  public static Timer requestLatency(MeterRegistry registry) {
    return Timer.builder(REQUEST_LATENCY)
        .description("Time from a prediction request's record timestamp to its prediction being"
            + " published")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(100_000))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  /**
   * Registers the {@link #EMBEDDING_ROWS} gauge of one table.
   *
   * @param table an embedding table name
   * @param target the object the gauge reads (held weakly by Micrometer)
   * @param rows reads the row count from {@code target}
   */
  public static <T> Gauge embeddingRows(MeterRegistry registry, String table, T target,
      ToDoubleFunction<T> rows) {
    return Gauge.builder(EMBEDDING_ROWS, target, rows)
        .description("Admitted rows of an embedding table, over this instance's models")
        .baseUnit("rows")
        .tag(TAG_TABLE, Objects.requireNonNull(table, "table"))
        .register(registry);
  }

  /**
   * Registers the {@link #EMBEDDING_ADMISSIONS} or {@link #EMBEDDING_EVICTIONS} counter of one
   * table. The count is the sum over the models this instance holds now, so it can drop when a
   * rebalance moves a model away (Prometheus' {@code rate} treats that as a counter reset).
   *
   * @param name {@link #EMBEDDING_ADMISSIONS} or {@link #EMBEDDING_EVICTIONS}
   * @param table an embedding table name
   * @param target the object the counter reads (held weakly by Micrometer)
   * @param count reads the cumulative count from {@code target}
   * @throws IllegalArgumentException if {@code name} is neither
   */
  public static <T> FunctionCounter embeddingCounter(MeterRegistry registry, String name,
      String table, T target, ToDoubleFunction<T> count) {
    String description = switch (name) {
      case EMBEDDING_ADMISSIONS -> "Rows admitted to an embedding table, over this instance's"
          + " models";
      case EMBEDDING_EVICTIONS -> "Rows and pending ids expired from an embedding table, over"
          + " this instance's models";
      default -> throw new IllegalArgumentException("name: not an embedding counter, got '" + name
          + "'; expected " + EMBEDDING_ADMISSIONS + " or " + EMBEDDING_EVICTIONS);
    };
    return FunctionCounter.builder(name, target, count)
        .description(description)
        .baseUnit("rows")
        .tag(TAG_TABLE, Objects.requireNonNull(table, "table"))
        .register(registry);
  }

  /**
   * Registers the {@link #TASK_AFFINITY} gauge of one ordered task pair.
   *
   * @param task the task helped
   * @param sourceTask the task whose gradient helps
   * @param target the object the gauge reads (held weakly by Micrometer)
   * @param value reads the affinity (cosine, -1..1; NaN while unmeasured) from {@code target}
   */
  public static <T> Gauge taskAffinity(MeterRegistry registry, String task, String sourceTask,
      T target, ToDoubleFunction<T> value) {
    return Gauge.builder(TASK_AFFINITY, target, value)
        .description("Online affinity (gradient cosine on the shared part) of source_task's"
            + " gradient to task's")
        .baseUnit("ratio")
        .tag(TAG_TASK, Objects.requireNonNull(task, "task"))
        .tag(TAG_SOURCE_TASK, Objects.requireNonNull(sourceTask, "sourceTask"))
        .register(registry);
  }

  /** The {@link #DRIFT_DETECTIONS} counter of one task and detector. */
  public static Counter driftDetections(MeterRegistry registry, String task, String detector) {
    return Counter.builder(DRIFT_DETECTIONS)
        .description("Drift alarms raised on a task's prequential loss signal")
        .baseUnit("alarms")
        .tag(TAG_TASK, Objects.requireNonNull(task, "task"))
        .tag(TAG_DETECTOR, Objects.requireNonNull(detector, "detector"))
        .register(registry);
  }

  /** The {@link #DRIFT_WARNINGS} counter of one task and warning detector. */
  public static Counter driftWarnings(MeterRegistry registry, String task, String detector) {
    return Counter.builder(DRIFT_WARNINGS)
        .description("Drift warnings that started a transfer candidate in shadow")
        .baseUnit("warnings")
        .tag(TAG_TASK, Objects.requireNonNull(task, "task"))
        .tag(TAG_DETECTOR, Objects.requireNonNull(detector, "detector"))
        .register(registry);
  }

  /**
   * The {@link #TRANSFER_UPDATES} counter of one task, action, trigger and decision.
   *
   * @param action {@code transfer} or {@code onboard}
   * @param trigger {@code drift}, {@code drift_warning} or {@code new_task} (the update's
   *     trigger)
   * @param decision {@code started}, {@code promoted} or {@code rolled_back}
   */
  public static Counter transferUpdates(MeterRegistry registry, String task, String action,
      String trigger, String decision) {
    return Counter.builder(TRANSFER_UPDATES)
        .description("Transfer updates published: candidates started and guard decisions")
        .baseUnit("updates")
        .tag(TAG_TASK, Objects.requireNonNull(task, "task"))
        .tag(TAG_ACTION, Objects.requireNonNull(action, "action"))
        .tag(TAG_TRIGGER, Objects.requireNonNull(trigger, "trigger"))
        .tag(TAG_DECISION, Objects.requireNonNull(decision, "decision"))
        .register(registry);
  }

  /** The {@link #SYNC_PUBLISHED} counter. */
  public static Counter syncPublished(MeterRegistry registry) {
    return Counter.builder(SYNC_PUBLISHED)
        .description("Dense-parameter records published on the model-sync topic")
        .baseUnit("records")
        .register(registry);
  }

  /** The {@link #SYNC_MIXED} counter. */
  public static Counter syncMixed(MeterRegistry registry) {
    return Counter.builder(SYNC_MIXED)
        .description("Mixes of other replicas' mean dense parameters into a stream task's own")
        .baseUnit("mixes")
        .register(registry);
  }

  /** The {@link #SYNC_LAG} timer. */
  public static Timer syncLag(MeterRegistry registry) {
    return Timer.builder(SYNC_LAG)
        .description("Age of the newest replica parameters in a mix, at the mix")
        .register(registry);
  }

  /**
   * The {@link #SYNC_TIME} timer of one step.
   *
   * @param step {@code publish} (export + encode) or {@code mix} (read the store, average, mix)
   */
  public static Timer syncTime(MeterRegistry registry, String step) {
    return Timer.builder(SYNC_TIME)
        .description("Stream-thread time of one replica-sync step")
        .tag(TAG_STEP, Objects.requireNonNull(step, "step"))
        .register(registry);
  }

  /** The {@link #SYNC_RECORD_SIZE} summary. */
  public static DistributionSummary syncRecordSize(MeterRegistry registry) {
    return DistributionSummary.builder(SYNC_RECORD_SIZE)
        .description("Size of a published dense-parameter sync record")
        .baseUnit("bytes")
        .register(registry);
  }

  /** The {@link #TRANSFER_APPLIED} counter of one task. */
  public static Counter transferApplied(MeterRegistry registry, String task) {
    return taggedCounter(registry, TRANSFER_APPLIED,
        "Transfer promotions decided by another stream task and applied here",
        "promotions", TAG_TASK, Objects.requireNonNull(task, "task"));
  }

  /**
   * The {@link #TASK_DECLARATIONS} counter of one outcome.
   *
   * @param outcome {@code accepted}, {@code unchanged} or {@code rejected}
   */
  public static Counter taskDeclarations(MeterRegistry registry, String outcome) {
    return taggedCounter(registry, TASK_DECLARATIONS,
        "Task declarations read from the task topic, by outcome",
        "declarations", TAG_OUTCOME, Objects.requireNonNull(outcome, "outcome"));
  }

  /** A counter with one tag; registering it again returns the existing one. */
  private static Counter taggedCounter(MeterRegistry registry, String name, String description,
      String baseUnit, String tagKey, String tagValue) {
    return Counter.builder(name).description(description).baseUnit(baseUnit)
        .tag(tagKey, tagValue).register(registry);
  }
}
