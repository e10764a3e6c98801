package io.tandem.streams.config;

import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.CandidateInit;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.DriftSignal;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.schemas.TaskCatalog;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import static io.tandem.streams.config.TandemConfigDef.TASK_PREFIX;

/**
 * Tandem's resolved, validated configuration.
 *
 * <p>Sources, later ones winning: built-in defaults &lt; the properties file ({@code --config})
 * &lt; environment variables {@code TANDEM_<KEY>} &lt; {@code --set KEY=VALUE}. An environment
 * variable maps to a key by dropping {@code TANDEM_}, lower-casing, and reading {@code __} as
 * {@code -} and {@code _} as {@code .} (so {@code TANDEM_TOPICS_DEAD__LETTER} is {@code
 * topics.dead-letter}); keys containing {@code _} can therefore only be set in the file or with
 * {@code --set}.
 *
 * <p>Tandem's own keys ({@link TandemConfigDef}) are validated with Kafka's {@link ConfigDef}; any
 * invalid value raises a {@link ConfigException} whose message reads "Invalid value X for
 * configuration Y: rule". Keys under Tandem's reserved prefixes that are not declared (typos such
 * as {@code topics.event}) and per-task keys of an undeclared task are rejected the same way.
 * {@code model.*} keys are kept for the model mapping ({@link #withPrefix(String)}). Every other
 * key is a Kafka key: it is checked against Kafka Streams' own definitions (so {@code
 * processing.guarantee=bogus} fails at load) and then passed through untouched by {@link
 * #kafkaProperties()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TandemConfig {

  /** Prefix of environment variables read as configuration. */
  public static final String ENV_PREFIX = "TANDEM_";

  /** Kafka settings Tandem uses unless the configuration sets them. */
  private static final Map<String, String> KAFKA_DEFAULTS = Map.of(
      StreamsConfig.APPLICATION_ID_CONFIG, "tandem",
      StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE,
      StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5",
      StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000",
      StreamsConfig.STATE_DIR_CONFIG,
          Path.of(System.getProperty("java.io.tmpdir"), "tandem-state").toString());

  private final Map<String, String> userValues;
  private final Map<String, String> values;
  private final List<TaskSettings> tasks;
  private final TaskCatalog catalog;
  private final Topics topics;
  private final int batchSize;
  private final Duration batchLinger;
  private final String httpBind;
  private final int httpPort;
  private final int maxRecordBytes;
  private final TransferConfig transfer;
  private final Duration snapshotInterval;
  private final SyncConfig sync;
  private final CheckpointConfig checkpoint;
  private final boolean pipelined;

  private TandemConfig(Map<String, String> userValues) {
    this.userValues = Collections.unmodifiableMap(new TreeMap<>(userValues));
    Map<String, Object> parsedTasks = TandemConfigDef.def().parse(Map.of(
        TandemConfigDef.TASKS, userValues.getOrDefault(TandemConfigDef.TASKS,
            TandemConfigDef.defaultValues().get(TandemConfigDef.TASKS))));
    @SuppressWarnings("unchecked")
    List<String> taskNames = (List<String>) parsedTasks.get(TandemConfigDef.TASKS);
    rejectUnknownTandemKeys(userValues, taskNames);

    Map<String, String> merged = new TreeMap<>();
    TandemConfigDef.defaultValues().forEach((k, v) -> {
      if (!k.startsWith(TASK_PREFIX) || taskNames.contains(taskOf(k))) {
        merged.put(k, v);
      }
    });
    merged.putAll(userValues);
    this.values = Collections.unmodifiableMap(merged);

    Map<String, Object> fixed = TandemConfigDef.def().parse(onlyKeys(merged, TandemConfigDef.def()));
    this.tasks = List.copyOf(parseTasks(taskNames, merged));
    this.catalog = TaskCatalog.of(tasks.stream().map(TaskSettings::declaration).toList());
    Map<String, String> perTaskTopics = new TreeMap<>();
    for (TaskSettings t : tasks) {
      t.topic().ifPresent(topic -> perTaskTopics.put(t.name(), topic));
    }
    this.topics = new Topics(
        (String) fixed.get(TandemConfigDef.TOPICS_EVENTS),
        (String) fixed.get(TandemConfigDef.TOPICS_REQUESTS),
        (String) fixed.get(TandemConfigDef.TOPICS_PREDICTIONS),
        (String) fixed.get(TandemConfigDef.TOPICS_TRANSFER_UPDATES),
        (String) fixed.get(TandemConfigDef.TOPICS_TASKS),
        (String) fixed.get(TandemConfigDef.TOPICS_DEAD_LETTER),
        (String) fixed.get(TandemConfigDef.TOPICS_MODEL),
        (String) fixed.get(TandemConfigDef.TOPICS_MODEL_SYNC),
        perTaskTopics,
        (Integer) fixed.get(TandemConfigDef.TOPICS_PARTITIONS),
        (Short) fixed.get(TandemConfigDef.TOPICS_REPLICATION_FACTOR));
    this.batchSize = (Integer) fixed.get(TandemConfigDef.LEARNER_BATCH_SIZE);
    this.batchLinger = Duration.ofMillis((Long) fixed.get(TandemConfigDef.LEARNER_BATCH_LINGER_MS));
    this.httpBind = (String) fixed.get(TandemConfigDef.HTTP_BIND);
    this.httpPort = (Integer) fixed.get(TandemConfigDef.HTTP_PORT);
    this.maxRecordBytes = (Integer) fixed.get(TandemConfigDef.MAX_RECORD_BYTES);
    this.transfer = parseTransfer(fixed);
    this.snapshotInterval =
        Duration.ofMillis((Long) fixed.get(TandemConfigDef.LEARNER_SNAPSHOT_INTERVAL_MS));
    this.sync = new SyncConfig(
        Duration.ofMillis((Long) fixed.get(TandemConfigDef.SYNC_INTERVAL_MS)),
        (Double) fixed.get(TandemConfigDef.SYNC_MIXING_RATE));
    this.checkpoint = new CheckpointConfig(
        Duration.ofMillis((Long) fixed.get(TandemConfigDef.LEARNER_CHECKPOINT_INTERVAL_MS)),
        (Long) fixed.get(TandemConfigDef.LEARNER_CHECKPOINT_MAX_LOG_EVENTS));
    this.pipelined = (Boolean) fixed.get(TandemConfigDef.LEARNER_PIPELINED);
    validateKafkaKeys();
  }

  /** The built-in defaults only: tasks ctr (binary) and preference (regression 1..5), default
   * topics. */
  public static TandemConfig defaults() {
    return new TandemConfig(Map.of());
  }

  /**
   * Resolves the configuration from its sources (defaults &lt; file &lt; environment &lt; sets) and
   * validates it.
   *
   * @param fileOrNull a Kafka-style properties file (UTF-8), or null for none
   * @param env        the process environment (only {@code TANDEM_*} entries are read); not null
   * @param sets       {@code --set} overrides; not null
   * @return the validated configuration
   * @throws ConfigException if a value is invalid, or the file is missing or unreadable (naming it)
   */
  public static TandemConfig load(Path fileOrNull, Map<String, String> env, Map<String, String> sets) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(sets, "sets");
    Map<String, String> user = new LinkedHashMap<>();
    if (fileOrNull != null) {
      user.putAll(readProperties(fileOrNull));
    }
    user.putAll(fromEnvironment(env));
    user.putAll(sets);
    return new TandemConfig(user);
  }

  /**
   * The configuration keys named by {@code TANDEM_*} environment variables.
   *
   * @param env an environment map
   * @return key to value, e.g. {@code TANDEM_HTTP_PORT=9000} gives {@code http.port=9000}
   */
  public static Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> out = new TreeMap<>();
    env.forEach((name, value) -> {
      if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
        out.put(envNameToKey(name), value);
      }
    });
    return out;
  }

  /** {@code TANDEM_TOPICS_DEAD__LETTER} → {@code topics.dead-letter}. */
  static String envNameToKey(String name) {
    String rest = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
    StringBuilder key = new StringBuilder(rest.length());
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '_' && i + 1 < rest.length() && rest.charAt(i + 1) == '_') {
        key.append('-');
        i++;
      } else {
        key.append(c == '_' ? '.' : c);
      }
    }
    return key.toString();
  }

  /** {@code topics.dead-letter} → {@code TANDEM_TOPICS_DEAD__LETTER}. */
  public static String keyToEnvName(String key) {
    return ENV_PREFIX + key.replace("-", "__").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * A copy with {@code key} set to {@code value} (taking precedence over every source), validated
   * again.
   *
   * @throws ConfigException if the result is invalid
   */
  public TandemConfig with(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Map<String, String> user = new LinkedHashMap<>(userValues);
    user.put(key, value);
    return new TandemConfig(user);
  }

  /** The declared tasks as the schemas module's catalog (what events are validated against). */
  public TaskCatalog tasks() {
    return catalog;
  }

  /** The declared tasks in declaration order, with their weights and optional topics. */
  public List<TaskSettings> taskSettings() {
    return tasks;
  }

  /** The topic names and creation settings. */
  public Topics topics() {
    return topics;
  }

  /** {@code learner.batch.size}: largest micro-batch, &gt;= 1. */
  public int batchSize() {
    return batchSize;
  }

  /** {@code learner.batch.linger.ms}: longest wait for a micro-batch to fill. */
  public Duration batchLinger() {
    return batchLinger;
  }

  /** {@code http.bind}. */
  public String httpBind() {
    return httpBind;
  }

  /** {@code http.port}, 0 = any free port. */
  public int httpPort() {
    return httpPort;
  }

  /** {@code max.record.bytes}. */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  /**
   * The effective raw value of {@code key} (from defaults or any source), or null when unset.
   *
   * @param key any key, Tandem's or Kafka's
   */
  public String get(String key) {
    return values.get(key);
  }

  /**
   * How often each stream task publishes its model snapshot on {@code topics.model}
   * ({@code learner.snapshot.interval.ms}); zero = never.
   */
  public Duration snapshotInterval() {
    return snapshotInterval;
  }

  /**
   * How often each learner checkpoints its model ({@code learner.checkpoint.interval.ms},
   * {@code learner.checkpoint.max.log.events}; see {@link CheckpointConfig}).
   */
  public CheckpointConfig checkpoint() {
    return checkpoint;
  }

  /**
   * {@code learner.pipelined}: whether each stream task learns its micro-batches on a trainer
   * thread of its own while its stream thread goes on (results identical either way).
   */
  public boolean pipelined() {
    return pipelined;
  }

  /**
   * Replica sync between stream tasks ({@code sync.interval.ms}, {@code sync.mixing.rate}; see
   * {@link SyncConfig}); off when the interval is zero.
   */
  public SyncConfig sync() {
    return sync;
  }

  /** The drift-watch and transfer settings ({@code drift.*}, {@code transfer.*}). */
  public TransferConfig transfer() {
    return transfer;
  }

  private static TransferConfig parseTransfer(Map<String, Object> fixed) {
    return TransferConfig.defaults()
        .withDetector(byLabel(DetectorKind.values(), DetectorKind::label,
            (String) fixed.get(TandemConfigDef.DRIFT_DETECTOR)))
        .withSignal(byLabel(DriftSignal.values(), TandemConfigDef::label,
            (String) fixed.get(TandemConfigDef.DRIFT_SIGNAL)))
        .withWarmupEvents((Long) fixed.get(TandemConfigDef.DRIFT_WARMUP_EVENTS))
        .withTransferEnabled((Boolean) fixed.get(TandemConfigDef.TRANSFER_ENABLED))
        .withShadowEvents((Integer) fixed.get(TandemConfigDef.TRANSFER_SHADOW_EVENTS))
        .withSources((Double) fixed.get(TandemConfigDef.TRANSFER_SOURCES_MIN_AFFINITY),
            (Integer) fixed.get(TandemConfigDef.TRANSFER_SOURCES_MAX))
        .withCandidateInit(byLabel(CandidateInit.values(), TandemConfigDef::label,
            (String) fixed.get(TandemConfigDef.TRANSFER_CANDIDATE)))
        .withBoost((Double) fixed.get(TandemConfigDef.TRANSFER_BOOST),
            (Long) fixed.get(TandemConfigDef.TRANSFER_BOOST_EVENTS))
        .withLossWeightBoost((Double) fixed.get(TandemConfigDef.TRANSFER_LOSS_WEIGHT_BOOST))
        .withRelearning((Double) fixed.get(TandemConfigDef.TRANSFER_RELEARN_EMBEDDING_BOOST),
            (Double) fixed.get(TandemConfigDef.TRANSFER_RELEARN_SHARED_BOOST),
            (Long) fixed.get(TandemConfigDef.TRANSFER_RELEARN_EVENTS))
        .withResidualLearningRate((Double) fixed.get(TandemConfigDef.TRANSFER_RESIDUAL_RATE))
        .withOnboardEvents((Integer) fixed.get(TandemConfigDef.TRANSFER_ONBOARD_EVENTS))
        .withWarning((Double) fixed.get(TandemConfigDef.DRIFT_WARNING_DELTA),
            (Boolean) fixed.get(TandemConfigDef.TRANSFER_WARNING_RELEARN));
  }

  /** The constant spelled {@code label} (already validated by the ConfigDef). */
  private static <E> E byLabel(E[] values, Function<E, String> labelOf, String label) {
    for (E value : values) {
      if (labelOf.apply(value).equals(label)) {
        return value;
      }
    }
    throw new IllegalStateException("no constant spelled '" + label + "'");
  }

  /** Every effective key and value, sorted by key (defaults included). */
  public Map<String, String> values() {
    return values;
  }

  /**
   * The keys starting with {@code prefix}, with the prefix removed: {@code withPrefix("model.")}
   * turns {@code model.embedding.dim=16} into {@code embedding.dim=16}.
   */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  /**
   * The properties for Kafka Streams and Kafka clients: every non-Tandem key as given, plus
   * Tandem's Kafka defaults ({@code application.id=tandem}, {@code
   * processing.guarantee=at_least_once}, Streams' producer {@code linger.ms=5}, {@code
   * commit.interval.ms=1000}, {@code state.dir} under the temp directory) where not set. {@code
   * bootstrap.servers} is included when configured.
   *
   * @return a fresh, mutable copy
   */
  public Properties kafkaProperties() {
    Properties p = new Properties();
    p.putAll(KAFKA_DEFAULTS);
    values.forEach((k, v) -> {
      if (!TandemConfigDef.isTandemKey(k)) {
        p.setProperty(k, v);
      }
    });
    return p;
  }

  private void validateKafkaKeys() {
    Map<String, Object> props = new HashMap<>();
    kafkaProperties().forEach((k, v) -> props.put((String) k, v));
    props.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unset.invalid:9092");
    StreamsConfig.configDef().parse(props);
  }

  private static List<TaskSettings> parseTasks(List<String> names, Map<String, String> merged) {
    List<TaskSettings> out = new ArrayList<>(names.size());
    for (String name : names) {
      ConfigDef def = TandemConfigDef.taskDef(name);
      Map<String, Object> parsed = def.parse(onlyKeys(merged, def));
      String p = TASK_PREFIX + name + ".";
      String type = (String) parsed.get(p + TandemConfigDef.TASK_TYPE);
      Double min = (Double) parsed.get(p + TandemConfigDef.TASK_MIN);
      Double max = (Double) parsed.get(p + TandemConfigDef.TASK_MAX);
      TaskSpec spec;
      if ("binary".equals(type)) {
        if (min != null) {
          throw new ConfigException(p + TandemConfigDef.TASK_MIN, merged.get(p + TandemConfigDef.TASK_MIN),
              "only a regression task has a label range; binary labels are 0 or 1");
        }
        if (max != null) {
          throw new ConfigException(p + TandemConfigDef.TASK_MAX, merged.get(p + TandemConfigDef.TASK_MAX),
              "only a regression task has a label range; binary labels are 0 or 1");
        }
        spec = TaskSpec.binary(name);
      } else {
        if (min == null) {
          throw new ConfigException(p + TandemConfigDef.TASK_MIN, null, "required for a regression task");
        }
        if (max == null) {
          throw new ConfigException(p + TandemConfigDef.TASK_MAX, null, "required for a regression task");
        }
        if (!(min < max)) {
          throw new ConfigException(p + TandemConfigDef.TASK_MAX, merged.get(p + TandemConfigDef.TASK_MAX),
              "must be greater than " + p + TandemConfigDef.TASK_MIN + " (" + merged.get(p + TandemConfigDef.TASK_MIN)
                  + ")");
        }
        spec = TaskSpec.regression(name, min, max);
      }
      double weight = (Double) parsed.get(p + TandemConfigDef.TASK_WEIGHT);
      Optional<String> topic = Optional.ofNullable((String) parsed.get(p + TandemConfigDef.TASK_TOPIC));
      out.add(new TaskSettings(spec, weight, topic));
    }
    return out;
  }

  private static void rejectUnknownTandemKeys(Map<String, String> user, List<String> taskNames) {
    for (Map.Entry<String, String> e : user.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(TASK_PREFIX)) {
        String task = taskOf(key);
        String setting = key.substring(key.lastIndexOf('.') + 1);
        if (task.isEmpty() || !TandemConfigDef.taskSettingNames().contains(setting)
            || key.length() != TASK_PREFIX.length() + task.length() + 1 + setting.length()) {
          throw new ConfigException(key, e.getValue(), "unknown task setting; expected task.<name>.<setting> "
              + "with <setting> one of " + TandemConfigDef.taskSettingNames());
        }
        if (!taskNames.contains(task)) {
          throw new ConfigException(key, e.getValue(), "task '" + task + "' is not declared in "
              + TandemConfigDef.TASKS + " (" + String.join(",", taskNames) + ")");
        }
      } else if (!TandemConfigDef.isFixedKey(key) && TandemConfigDef.isTandemKey(key)
          && !key.startsWith(TandemConfigDef.MODEL_PREFIX)) {
        throw new ConfigException(key, e.getValue(), "unknown Tandem setting (see `tandem config --list`)");
      }
    }
  }

  /** The task name of a {@code task.<name>.<setting>} key: the part between the first and the last
   * dot. */
  private static String taskOf(String key) {
    int last = key.lastIndexOf('.');
    return last <= TASK_PREFIX.length() ? "" : key.substring(TASK_PREFIX.length(), last);
  }

  private static Map<String, String> onlyKeys(Map<String, String> values, ConfigDef def) {
    Map<String, String> out = new HashMap<>();
    for (String name : def.names()) {
      if (values.containsKey(name)) {
        out.put(name, values.get(name));
      }
    }
    return out;
  }

  private static Map<String, String> readProperties(Path file) {
    Properties p = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException("configuration file " + file + " does not exist");
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k).strip()));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TandemConfig other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** The effective values, one {@code key=value} per line; values of secret-looking keys are
   * masked. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(k).append('=').append(isSecret(k) ? "[hidden]" : v).append('\n'));
    return sb.toString();
  }

  /** Whether a key's value should not be printed (passwords, JAAS configs, keys). */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.endsWith(".key");
  }
}
