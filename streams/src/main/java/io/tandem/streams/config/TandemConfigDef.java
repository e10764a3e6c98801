package io.tandem.streams.config;

import io.tandem.model.transfer.CandidateInit;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.DriftSignal;
import io.tandem.model.transfer.TransferConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The declaration of every Tandem key: name, type, default, validator and documentation, in Kafka's
 * {@link ConfigDef}. This is the single source of truth for validation, for {@code tandem config
 * --list} and for the README's configuration reference.
 *
 * <p>Per-task keys ({@code task.<name>.*}) depend on the declared task names, so they are declared
 * by {@link #taskDef(String)} once per task.
 *
 * <p>Thread-safety: immutable after class initialisation.
 */
public final class TandemConfigDef {

  /** Declared task names, comma separated. */
  public static final String TASKS = "tasks";
  /** Prefix of per-task keys: {@code task.<name>.<setting>}. */
  public static final String TASK_PREFIX = "task.";
  /** Suffix of a task's type key. */
  public static final String TASK_TYPE = "type";
  /** Suffix of a regression task's smallest label. */
  public static final String TASK_MIN = "min";
  /** Suffix of a regression task's largest label. */
  public static final String TASK_MAX = "max";
  /** Suffix of a task's loss weight. */
  public static final String TASK_WEIGHT = "weight";
  /** Suffix of a task's optional extra input topic. */
  public static final String TASK_TOPIC = "topic";

  /** Labelled events topic. */
  public static final String TOPICS_EVENTS = "topics.events";
  /** Prediction requests topic. */
  public static final String TOPICS_REQUESTS = "topics.requests";
  /** Predictions topic. */
  public static final String TOPICS_PREDICTIONS = "topics.predictions";
  /** Transfer updates topic. */
  public static final String TOPICS_TRANSFER_UPDATES = "topics.transfer-updates";
  /** Task declarations topic. */
  public static final String TOPICS_TASKS = "topics.tasks";
  /** Key: the compacted topic of model snapshots (one record per stream task). */
  public static final String TOPICS_MODEL = "topics.model";
  /** Key: the compacted topic of dense parameters for replica sync (one record per stream task). */
  public static final String TOPICS_MODEL_SYNC = "topics.model-sync";
  /** Key: how often each stream task publishes its dense parameters and mixes the others'. */
  public static final String SYNC_INTERVAL_MS = "sync.interval.ms";
  /** Key: the weight of the other replicas' mean in a mix. */
  public static final String SYNC_MIXING_RATE = "sync.mixing.rate";
  /** Dead-letter topic. */
  public static final String TOPICS_DEAD_LETTER = "topics.dead-letter";
  /** Partitions of created topics. */
  public static final String TOPICS_PARTITIONS = "topics.partitions";
  /** Replication factor of created topics. */
  public static final String TOPICS_REPLICATION_FACTOR = "topics.replication-factor";
  /** Micro-batch size. */
  public static final String LEARNER_BATCH_SIZE = "learner.batch.size";
  /** Micro-batch linger. */
  public static final String LEARNER_BATCH_LINGER_MS = "learner.batch.linger.ms";
  /** Key: how often each stream task publishes its model snapshot; 0 = never. */
  public static final String LEARNER_SNAPSHOT_INTERVAL_MS = "learner.snapshot.interval.ms";
  /** Key: time between two full checkpoints of a learner's model; 0 = at every commit, no log. */
  public static final String LEARNER_CHECKPOINT_INTERVAL_MS = "learner.checkpoint.interval.ms";
  /** Key: logged events since the last checkpoint that force one at the next commit. */
  public static final String LEARNER_CHECKPOINT_MAX_LOG_EVENTS =
      "learner.checkpoint.max.log.events";
  /** Key: learn each micro-batch on a trainer thread while the stream thread goes on. */
  public static final String LEARNER_PIPELINED = "learner.pipelined";
  /** HTTP bind address. */
  public static final String HTTP_BIND = "http.bind";
  /** HTTP port. */
  public static final String HTTP_PORT = "http.port";
  /** Largest accepted record. */
  public static final String MAX_RECORD_BYTES = "max.record.bytes";
  /** Prefix of model settings, handed to the model mapping. */
  public static final String MODEL_PREFIX = "model.";
  /** Key: the drift detector watching every task ({@code adwin}, {@code page-hinkley}, ...). */
  public static final String DRIFT_DETECTOR = "drift.detector";
  /** Key: the signal the detectors watch ({@code excess-loss}, {@code raw-loss}, ...). */
  public static final String DRIFT_SIGNAL = "drift.signal";
  /** Key: task events without alarms after a start and after each transfer decision. */
  public static final String DRIFT_WARMUP_EVENTS = "drift.warmup.events";
  /** Key: ADWIN delta of each task's warning detector (0 = none). */
  public static final String DRIFT_WARNING_DELTA = "drift.warning.delta";
  /** Key: whether promoting a warning-started candidate starts the re-learning boost. */
  public static final String TRANSFER_WARNING_RELEARN = "transfer.warning.relearn";
  /** Key: whether a drift alarm starts a transfer. */
  public static final String TRANSFER_ENABLED = "transfer.enabled";
  /** Key: task events a transfer candidate runs in shadow before the guard decides. */
  public static final String TRANSFER_SHADOW_EVENTS = "transfer.shadow.events";
  /** Key: most source tasks per transfer. */
  public static final String TRANSFER_SOURCES_MAX = "transfer.sources.max";
  /** Key: smallest affinity (exclusive) a source task needs. */
  public static final String TRANSFER_SOURCES_MIN_AFFINITY = "transfer.sources.min.affinity";
  /** Key: how a candidate tower is initialised ({@code blend}, {@code keep}, {@code reset}). */
  public static final String TRANSFER_CANDIDATE = "transfer.candidate";
  /** Key: learning-rate factor of a candidate and, after promotion, of its task's tower. */
  public static final String TRANSFER_BOOST = "transfer.boost";
  /** Key: model events the boost lasts after a promotion. */
  public static final String TRANSFER_BOOST_EVENTS = "transfer.boost.events";
  /** Key: factor on a promoted task's loss weight for the boost span (1 = off). */
  public static final String TRANSFER_LOSS_WEIGHT_BOOST = "transfer.loss.weight.boost";
  /** Key: embedding learning-rate factor for the drifted task's rows during re-learning. */
  public static final String TRANSFER_RELEARN_EMBEDDING_BOOST =
      "transfer.relearn.embedding.boost";
  /** Key: shared-part learning-rate factor during re-learning. */
  public static final String TRANSFER_RELEARN_SHARED_BOOST = "transfer.relearn.shared.boost";
  /** Key: model events the re-learning boost lasts from the start of a transfer (0 = off). */
  public static final String TRANSFER_RELEARN_EVENTS = "transfer.relearn.events";
  /** Key: Adagrad learning rate of a residual candidate's delta rows. */
  public static final String TRANSFER_RESIDUAL_RATE = "transfer.residual.rate";
  /** Events of a task declared at runtime collected before its warm start (and then in shadow). */
  public static final String TRANSFER_ONBOARD_EVENTS = "transfer.onboard.events";

  /** Key prefixes reserved for Tandem: an undeclared key under one of them is a typo and rejected.
   * */
  public static final List<String> RESERVED_PREFIXES = List.of("topics.", "learner.", "http.", TASK_PREFIX,
      "sync.");

  /** A task name: lowercase letter first, then letters, digits, '_' or '-' (no '.', which separates
   * keys). */
  public static final Pattern TASK_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  private TandemConfigDef() {}

  /** Tandem's fixed keys (not the per-task ones). A defensive copy: callers may not change the
   * original. */
  public static ConfigDef def() {
    return new ConfigDef(DEF);
  }

  /** Whether {@code key} is one of Tandem's fixed keys. */
  public static boolean isFixedKey(String key) {
    return DEF.names().contains(key);
  }

  /** Whether {@code key} belongs to Tandem (fixed, per-task, reserved prefix, or {@code model.*}).
   * */
  public static boolean isTandemKey(String key) {
    return isFixedKey(key)
        || key.startsWith(MODEL_PREFIX)
        || RESERVED_PREFIXES.stream().anyMatch(key::startsWith);
  }

  /**
   * The declaration of one task's keys, {@code task.<name>.type|min|max|weight|topic}.
   *
   * @param task a declared task name
   * @return a new ConfigDef for that task
   */
  public static ConfigDef taskDef(String task) {
    String p = TASK_PREFIX + task + ".";
    return new ConfigDef()
        .define(p + TASK_TYPE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
            ValidString.in("binary", "regression"), Importance.HIGH,
            "Task type: 'binary' (labels 0 or 1; AUC and log loss) or 'regression' (real labels in "
                + "[min, max]; RMSE). Required for every declared task.")
        .define(p + TASK_MIN, Type.DOUBLE, null, FINITE_OR_NULL, Importance.HIGH,
            "Smallest allowed label of a regression task (inclusive). Required for a regression, "
                + "rejected for a binary task.")
        .define(p + TASK_MAX, Type.DOUBLE, null, FINITE_OR_NULL, Importance.HIGH,
            "Largest allowed label of a regression task (inclusive); must be greater than min. Required "
                + "for a regression, rejected for a binary task.")
        .define(p + TASK_WEIGHT, Type.DOUBLE, 1.0, POSITIVE_FINITE, Importance.MEDIUM,
            "Weight of this task's loss in the multi-task objective (finite, > 0). Under the "
                + "default model.weighting=normalised it multiplies the task's loss normalisation "
                + "(1 for binary, 12 for regression); under fixed it is the weight itself; under "
                + "uncertainty a prior that multiplies the learned weight.")
        .define(p + TASK_TOPIC, Type.STRING, null, NON_BLANK_OR_NULL, Importance.LOW,
            "Optional extra input topic carrying only this task's labelled events, read in addition to "
                + "topics.events.");
  }

  /** Task-key suffixes, in declaration order. */
  public static List<String> taskSettingNames() {
    return List.of(TASK_TYPE, TASK_MIN, TASK_MAX, TASK_WEIGHT, TASK_TOPIC);
  }

  /** The default configuration values as strings: every fixed key plus the two default tasks. */
  public static Map<String, String> defaultValues() {
    Map<String, String> out = new TreeMap<>();
    for (ConfigDef.ConfigKey key : DEF.configKeys().values()) {
      if (key.hasDefault() && key.defaultValue != null) {
        out.put(key.name, ConfigDef.convertToString(key.defaultValue, key.type));
      }
    }
    out.put("task.ctr.type", "binary");
    out.put("task.preference.type", "regression");
    out.put("task.preference.min", "1");
    out.put("task.preference.max", "5");
    return out;
  }

  private static ConfigDef buildDef() {
    return new ConfigDef()
        .define(TASKS, Type.LIST, "ctr,preference", TASK_NAMES, Importance.HIGH,
            "Declared task names, comma separated (each: a lowercase letter, then letters, digits, '_' "
                + "or '-'). Every task needs task.<name>.type. The default declares ctr (binary) and "
                + "preference (regression, 1..5).")
        .define(TOPICS_EVENTS, Type.STRING, "tandem.events", NON_BLANK, Importance.HIGH,
            "Topic of labelled events (key = user id, value = JSON event).")
        .define(TOPICS_REQUESTS, Type.STRING, "tandem.requests", NON_BLANK, Importance.HIGH,
            "Topic of unlabelled prediction requests.")
        .define(TOPICS_PREDICTIONS, Type.STRING, "tandem.predictions", NON_BLANK, Importance.HIGH,
            "Topic Tandem writes predictions to (for events: scored before learning from them).")
        .define(TOPICS_TRANSFER_UPDATES, Type.STRING, "tandem.transfer-updates", NON_BLANK,
            Importance.MEDIUM, "Topic of transfer-learning updates between tasks.")
        .define(TOPICS_TASKS, Type.STRING, "tandem.tasks", NON_BLANK, Importance.MEDIUM,
            "Topic of task declarations.")
        .define(TOPICS_MODEL, Type.STRING, "tandem.model", NON_BLANK, Importance.MEDIUM,
            "Compacted topic of model snapshots (key = stream task, value = the model's versioned"
                + " snapshot), followed by `tandem serve`.")
        .define(TOPICS_MODEL_SYNC, Type.STRING, "tandem.model-sync", NON_BLANK, Importance.LOW,
            "Compacted topic of replica sync (key = <application.id>/<stream task>, value = that"
                + " stream task's dense parameters, versioned binary), read by every stream task"
                + " when sync.interval.ms > 0 (tandem run creates it; where topics are managed by"
                + " hand, create it compacted before turning sync on).")
        .define(TOPICS_DEAD_LETTER, Type.STRING, "tandem.dead-letter", NON_BLANK, Importance.HIGH,
            "Topic for rejected input: original bytes untouched, reason and source in headers.")
        .define(TOPICS_PARTITIONS, Type.INT, 4, Range.atLeast(1), Importance.MEDIUM,
            "Partitions of the topics Tandem creates when they are missing.")
        .define(TOPICS_REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM,
            "Replication factor of the topics Tandem creates when they are missing.")
        .define(LEARNER_BATCH_SIZE, Type.INT, 32, Range.between(1, 65_536), Importance.MEDIUM,
            "Largest micro-batch the learner trains on at once (events).")
        .define(LEARNER_BATCH_LINGER_MS, Type.LONG, 50L, Range.between(0, 60_000), Importance.MEDIUM,
            "Longest time (ms) an event waits for its micro-batch to fill before training anyway.")
        .define(LEARNER_SNAPSHOT_INTERVAL_MS, Type.LONG, 60_000L, Range.between(0, 86_400_000),
            Importance.LOW, "How often (ms) each stream task publishes its model snapshot on"
                + " topics.model for serving-only instances (tandem run creates that topic; where"
                + " topics are managed by hand, create it compacted or set 0); 0 = never.")
        .define(LEARNER_CHECKPOINT_INTERVAL_MS, Type.LONG, 30_000L, Range.between(0, 3_600_000),
            Importance.LOW, "Time (ms) between two full checkpoints (dense blob and changed"
                + " embedding rows) of each stream task's model; in between, a commit writes only"
                + " the micro-batches learned since the previous commit to the log store, and a"
                + " restore re-learns them after loading the checkpoint. 0 = a checkpoint at every"
                + " commit and no log.")
        .define(LEARNER_CHECKPOINT_MAX_LOG_EVENTS, Type.LONG, 50_000L,
            Range.between(1, 100_000_000), Importance.LOW, "Logged events since the last"
                + " checkpoint that force one at the next commit: bounds what a restore re-learns.")
        .define(LEARNER_PIPELINED, Type.BOOLEAN, false, Importance.LOW, "Learn each"
            + " micro-batch on a trainer thread of its stream task while the stream thread goes"
            + " on decoding and buffering the next batch and publishing predictions; everything"
            + " else that touches the model (the next batch's predictions, requests, commits,"
            + " punctuations) waits for the learn in flight first, so predictions, transfer"
            + " updates and stored state are bit for bit those of false. A batch's transfer"
            + " updates are published with the next step of the stream thread after its learn."
            + " false (the default) = learn on the stream thread: on 2 cores shared with the"
            + " broker, pipelining measured slower (README, Benchmarks).")
        .define(SYNC_INTERVAL_MS, Type.LONG, 0L, Range.between(0, 86_400_000), Importance.MEDIUM,
            "How often (ms) each stream task publishes its dense parameters on topics.model-sync"
                + " (if it learned since) and mixes in the mean of the other stream tasks' newer"
                + " ones; it also applies transfer promotions decided by the other stream tasks."
                + " 0 = off (the default: one stream task needs none, and the topic must exist"
                + " first); e.g. 10000 with several partitions or instances.")
        .define(SYNC_MIXING_RATE, Type.DOUBLE, 0.2, Range.between(0.0, 1.0), Importance.LOW,
            "Weight a of the other stream tasks' mean parameters in a sync: theta <- (1 - a) *"
                + " theta + a * mean (0 = publish only, 1 = adopt the mean).")
        .define(HTTP_BIND, Type.STRING, "127.0.0.1", NON_BLANK, Importance.MEDIUM,
            "Address the HTTP server (/predict, /model, /metrics) binds to.")
        .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65_535), Importance.MEDIUM,
            "Port of the HTTP server; 0 picks any free port (printed at start).")
        .define(MAX_RECORD_BYTES, Type.INT, 65_536, Range.between(64, 16 * 1024 * 1024),
            Importance.LOW, "Largest accepted input record (bytes); larger ones go to the dead-letter topic.")
        .define(DRIFT_DETECTOR, Type.STRING, TRANSFER_DEFAULTS.detector().label(),
            ValidString.in(labels(DetectorKind.values(), DetectorKind::label)), Importance.MEDIUM,
            "Drift detector watching each task's prequential loss signal (one instance per task and"
                + " stream task); none disables drift detection.")
        .define(DRIFT_SIGNAL, Type.STRING, label(TRANSFER_DEFAULTS.signal()),
            ValidString.in(labels(DriftSignal.values(), TandemConfigDef::label)), Importance.MEDIUM,
            "What the detectors watch: baseline-gap (the event's loss minus the loss the task's"
                + " recent mean label would have scored: no false alarms from a daily click cycle),"
                + " excess-loss (loss minus the entropy of the prediction), raw-loss, or"
                + " detrended-loss (loss minus a slow moving average).")
        .define(DRIFT_WARMUP_EVENTS, Type.LONG, TRANSFER_DEFAULTS.warmupEvents(), Range.atLeast(0),
            Importance.LOW, "Task events after a start and after each transfer decision during which"
                + " a task's detector cannot alarm.")
        .define(DRIFT_WARNING_DELTA, Type.DOUBLE, TRANSFER_DEFAULTS.warningDelta(),
            Range.between(0.0, 0.999), Importance.LOW, "ADWIN delta of each task's warning"
                + " detector, a second, more sensitive detector over the same signal (larger than"
                + " the drift detector's 0.002): its alarm starts the transfer candidate in shadow"
                + " early, without the re-learning boost, and the guard decides as for a drift"
                + " (published with detector adwin-warning and trigger drift_warning). 0 = no"
                + " warning detector.")
        .define(TRANSFER_ENABLED, Type.BOOLEAN, TRANSFER_DEFAULTS.transferEnabled(),
            Importance.MEDIUM, "Whether a drift alarm starts a transfer (false: alarms are only"
                + " counted and logged).")
        .define(TRANSFER_SHADOW_EVENTS, Type.INT, TRANSFER_DEFAULTS.shadowEvents(),
            Range.atLeast(1), Importance.LOW, "Task events a transfer candidate runs in shadow beside"
                + " the incumbent before the guard keeps the one with the lower loss.")
        .define(TRANSFER_SOURCES_MAX, Type.INT, TRANSFER_DEFAULTS.maxSources(), Range.between(1, 16),
            Importance.LOW, "Most source tasks per transfer, highest affinity first.")
        .define(TRANSFER_SOURCES_MIN_AFFINITY, Type.DOUBLE, TRANSFER_DEFAULTS.minAffinity(),
            Range.between(0.0, 1.0), Importance.LOW,
            "A task is a transfer source only if its affinity to the drifted task exceeds this.")
        .define(TRANSFER_CANDIDATE, Type.STRING, label(TRANSFER_DEFAULTS.candidateInit()),
            ValidString.in(labels(CandidateInit.values(), TandemConfigDef::label)), Importance.LOW,
            "How a candidate starts: blend (of the source towers), keep (the incumbent, fresh"
                + " optimizer state), reset, or residual (the incumbent plus a task-specific"
                + " embedding residual: user and item delta rows and an interaction matrix, learning"
                + " at transfer.residual.rate; promoted = kept, rolled back = dropped).")
        .define(TRANSFER_BOOST, Type.DOUBLE, TRANSFER_DEFAULTS.learningRateBoost(),
            Range.between(1.0, 100.0), Importance.LOW, "Learning-rate factor of a candidate tower in"
                + " shadow and, after promotion, of its task's tower for transfer.boost.events.")
        .define(TRANSFER_BOOST_EVENTS, Type.LONG, TRANSFER_DEFAULTS.recoveryEvents(),
            Range.atLeast(0), Importance.LOW, "Model events the boost lasts after a promotion.")
        .define(TRANSFER_LOSS_WEIGHT_BOOST, Type.DOUBLE, TRANSFER_DEFAULTS.lossWeightBoost(),
            Range.between(1.0, 100.0), Importance.LOW, "Factor on a promoted task's loss weight"
                + " for transfer.boost.events (speeds up re-learning its embeddings; 1 = off; the"
                + " guard cannot undo it, so large values can end worse).")
        .define(TRANSFER_RELEARN_EMBEDDING_BOOST, Type.DOUBLE,
            TRANSFER_DEFAULTS.relearnEmbeddingBoost(), Range.between(1.0, 100.0), Importance.LOW,
            "Learning-rate factor of the user and item embedding rows that the drifted task's"
                + " events touch, from the start of a transfer for transfer.relearn.events (1 ="
                + " off; not undone by a rollback).")
        .define(TRANSFER_RELEARN_SHARED_BOOST, Type.DOUBLE, TRANSFER_DEFAULTS.relearnSharedBoost(),
            Range.between(1.0, 100.0), Importance.LOW, "Learning-rate factor of the shared layers"
                + " (experts and gates) over the same span (1 = off).")
        .define(TRANSFER_RELEARN_EVENTS, Type.LONG, TRANSFER_DEFAULTS.relearnEvents(),
            Range.atLeast(0), Importance.LOW, "Model events the re-learning boost lasts from the"
                + " start of a transfer (0 = off).")
        .define(TRANSFER_RESIDUAL_RATE, Type.DOUBLE, TRANSFER_DEFAULTS.residualLearningRate(),
            Range.between(1e-9, 10.0), Importance.LOW, "Adagrad learning rate of a residual"
                + " candidate (transfer.candidate=residual: its delta rows and interaction matrix,"
                + " which start at zero with fresh optimizer state).")
        .define(TRANSFER_ONBOARD_EVENTS, Type.INT, TRANSFER_DEFAULTS.onboardEvents(),
            Range.atLeast(1), Importance.LOW, "Onboarding of a task declared on topics.tasks:"
                + " its events collected before a candidate warm-started from the most related"
                + " task is built, and then the events that candidate runs in shadow before the"
                + " guard decides (needs a drift watch: drift.detector other than none).")
        .define(TRANSFER_WARNING_RELEARN, Type.BOOLEAN, TRANSFER_DEFAULTS.warningRelearn(),
            Importance.LOW, "Whether the promotion of a warning-started candidate (the guard's"
                + " evidence that the task changed) starts the re-learning boost"
                + " (transfer.relearn.*), as a drift alarm does. Off by default: that boost is"
                + " unguarded, so it waits for a drift alarm to confirm the change.");
  }

  /** The configuration spelling of an enum constant: lowercase, '_' as '-'. */
  public static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static <E> String[] labels(E[] values, Function<E, String> label) {
    return Arrays.stream(values).map(label).toArray(String[]::new);
  }

  private static final ConfigDef.Validator NON_BLANK = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || value.toString().isBlank()) {
        throw new ConfigException(name, "\"\"", "must not be empty");
      }
    }

    @Override
    public String toString() {
      return "non-empty string";
    }
  };

  private static final ConfigDef.Validator NON_BLANK_OR_NULL = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      if (value != null && value.toString().isBlank()) {
        throw new ConfigException(name, "\"\"", "must not be empty when set");
      }
    }

    @Override
    public String toString() {
      return "non-empty string, or unset";
    }
  };

  private static final ConfigDef.Validator FINITE_OR_NULL = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      if (value != null && !Double.isFinite((Double) value)) {
        throw new ConfigException(name, value, "must be a finite number");
      }
    }

    @Override
    public String toString() {
      return "finite number";
    }
  };

  private static final ConfigDef.Validator POSITIVE_FINITE = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      double v = (Double) value;
      if (!Double.isFinite(v) || v <= 0) {
        throw new ConfigException(name, value, "must be a finite number > 0");
      }
    }

    @Override
    public String toString() {
      return "finite, > 0";
    }
  };

  private static final ConfigDef.Validator TASK_NAMES = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      @SuppressWarnings("unchecked")
      List<String> names = (List<String>) value;
      if (names.isEmpty()) {
        throw new ConfigException(name, "\"\"", "must declare at least one task");
      }
      Set<String> seen = new HashSet<>();
      for (String task : names) {
        if (!TASK_NAME.matcher(task).matches()) {
          throw new ConfigException(name, String.join(",", names),
              "task name '" + task + "' must match " + TASK_NAME.pattern());
        }
        if (!seen.add(task)) {
          throw new ConfigException(name, String.join(",", names),
              "task '" + task + "' is declared twice");
        }
      }
    }

    @Override
    public String toString() {
      return "non-empty list of distinct names matching " + TASK_NAME.pattern();
    }
  };

  // Declared after the validators it uses: static fields initialise in textual order.
  /** The model module's measured transfer defaults, which the drift/transfer keys default to. */
  private static final TransferConfig TRANSFER_DEFAULTS = TransferConfig.defaults();

  private static final ConfigDef DEF = buildDef();

  /** Rows for the reference table: every fixed key, then the per-task keys with a {@code <name>}
   * placeholder. */
  static List<ConfigDef.ConfigKey> referenceKeys() {
    List<ConfigDef.ConfigKey> out = new ArrayList<>(DEF.configKeys().values());
    out.addAll(taskDef("<name>").configKeys().values());
    return out;
  }
}
