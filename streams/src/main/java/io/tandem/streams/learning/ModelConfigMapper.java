package io.tandem.streams.learning;

import io.tandem.model.ModelConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Maps Tandem's {@code model.*} configuration keys to a {@link ModelConfig}.
 *
 * <p>Keys (given here without the {@code model.} prefix; every key optional, an unset key keeps
 * {@link ModelConfig#defaults()}):
 * <pre>
 * architecture          shared-bottom | mmoe | cgc
 * embedding.dim         int, 1..1024
 * embedding.init.scale  double &gt;= 0
 * hidden.sizes          comma-separated ints (shared-bottom layer widths)
 * experts               int, 1..64 (MMoE experts; CGC shared experts)
 * expert.size           int, 1..4096 (MMoE, CGC)
 * task.experts          int, 1..64 (CGC private experts per task)
 * tower.size            int, 1..4096
 * product.features      true | false
 * wide                  true | false (each tower also reads the dense input linearly)
 * context.categorical   comma-separated context fields embedded in their own table
 * context.numeric       comma-separated numeric context fields
 * optimizer             sgd | adagrad | adam
 * lr.embedding          double &gt; 0
 * lr.dense              double &gt; 0
 * weighting             normalised (default) | fixed | uncertainty | gradnorm | dwa
 * weighting.lr          double &gt; 0 (step size of learned weights)
 * gradnorm.alpha        double &gt;= 0
 * pcgrad                true | false
 * admission.threshold   int &gt;= 1
 * row.expiry.events     long &gt;= 0 (0 = never)
 * affinity.decay        double in (0, 1]
 * affinity.interval     int &gt;= 1
 * seed                  long
 * </pre>
 * The loss weight of each task comes from the task declarations ({@code task.<name>.weight})
 * and is passed in as {@code taskWeights}: under the default {@code normalised} weighting it
 * multiplies the task's loss normalisation factor (1 binary, 12 regression), under {@code fixed}
 * it is the weight itself, under {@code uncertainty} a prior that multiplies the learned weight,
 * under {@code gradnorm} the initial weight.
 *
 * <p>Every key is applied on its own (one {@code withX} copy per key), so a rule broken by a value
 * is reported against that key. Failures are {@link IllegalArgumentException}s in Kafka's style,
 * naming key, value and rule: {@code Invalid value 0 for configuration model.embedding.dim: must
 * be in [1, 1024], got 0}. An unknown key under {@code model.} is rejected the same way, so a typo
 * is never ignored.
 *
 * <p>Stateless and thread-safe.
 */
public final class ModelConfigMapper {

  /** The prefix of the keys this mapper reads, as they appear in Tandem's configuration. */
  public static final String PREFIX = "model.";

  /** Key to the change it makes; applied in this (declaration) order. */
  private static final Map<String, BiFunction<ModelConfig, String, ModelConfig>> CHANGES =
      changes();

  private ModelConfigMapper() {}

  /** The keys this mapper understands, without the prefix, sorted. */
  public static Set<String> keys() {
    return new TreeSet<>(CHANGES.keySet());
  }

  /**
   * Builds the model configuration.
   *
   * @param keys the {@code model.*} keys without their prefix (as from
   *     {@code TandemConfig.withPrefix("model.")}); not null
   * @param taskWeights loss weight per task name (each finite and &gt;= 0); not null
   * @return a validated configuration
   * @throws IllegalArgumentException naming the key, value and rule of the first bad setting
   */
  public static ModelConfig map(Map<String, String> keys, Map<String, Double> taskWeights) {
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(taskWeights, "taskWeights");
    for (String key : new TreeSet<>(keys.keySet())) {
      if (!CHANGES.containsKey(key)) {
        throw invalid(key, keys.get(key), "unknown model setting; known settings are " + keys());
      }
    }
    ModelConfig config = ModelConfig.defaults();
    try {
      config = config.withWeighting(config.weighting(), taskWeights);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid task weights " + taskWeights + ": "
          + ruleOf(e), e);
    }
    for (Map.Entry<String, BiFunction<ModelConfig, String, ModelConfig>> change :
        CHANGES.entrySet()) {
      String value = keys.get(change.getKey());
      if (value == null) {
        continue;
      }
      try {
        config = change.getValue().apply(config, value.trim());
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("Invalid value ")) {
          throw e;
        }
        IllegalArgumentException named = invalid(change.getKey(), value, ruleOf(e));
        named.initCause(e);
        throw named;
      }
    }
    return config;
  }

  private static Map<String, BiFunction<ModelConfig, String, ModelConfig>> changes() {
    Map<String, BiFunction<ModelConfig, String, ModelConfig>> m = new LinkedHashMap<>();
    m.put("architecture", (c, v) ->
        c.withArchitecture(choice("architecture", v, ModelConfig.Architecture.class)));
    m.put("embedding.dim", (c, v) -> c.withEmbeddingDim(integer("embedding.dim", v)));
    m.put("embedding.init.scale", (c, v) ->
        c.withEmbeddingInitScale(decimal("embedding.init.scale", v)));
    m.put("hidden.sizes", (c, v) -> c.withHiddenSizes(integers("hidden.sizes", v)));
    m.put("experts", (c, v) -> c.withExperts(integer("experts", v), c.expertSize()));
    m.put("expert.size", (c, v) -> c.withExperts(c.experts(), integer("expert.size", v)));
    m.put("task.experts", (c, v) -> c.withTaskExperts(integer("task.experts", v)));
    m.put("tower.size", (c, v) -> c.withTowerSize(integer("tower.size", v)));
    m.put("product.features", (c, v) -> c.withProductFeatures(bool("product.features", v)));
    m.put("wide", (c, v) -> c.withWide(bool("wide", v)));
    m.put("context.categorical", (c, v) ->
        c.withContextFields(names("context.categorical", v), c.numericFields()));
    m.put("context.numeric", (c, v) ->
        c.withContextFields(c.categoricalFields(), names("context.numeric", v)));
    m.put("optimizer", (c, v) -> c.withOptimizer(
        choice("optimizer", v, ModelConfig.OptimizerKind.class),
        c.embeddingLearningRate(), c.denseLearningRate()));
    m.put("lr.embedding", (c, v) ->
        c.withOptimizer(c.optimizer(), decimal("lr.embedding", v), c.denseLearningRate()));
    m.put("lr.dense", (c, v) ->
        c.withOptimizer(c.optimizer(), c.embeddingLearningRate(), decimal("lr.dense", v)));
    m.put("weighting", (c, v) -> c.withWeighting(
        choice("weighting", v, ModelConfig.Weighting.class), c.taskWeights()));
    m.put("weighting.lr", (c, v) ->
        c.withWeightingLearningRate(decimal("weighting.lr", v)));
    m.put("gradnorm.alpha", (c, v) -> c.withGradNormAlpha(decimal("gradnorm.alpha", v)));
    m.put("pcgrad", (c, v) -> c.withPcgrad(bool("pcgrad", v)));
    m.put("admission.threshold", (c, v) ->
        c.withAdmissionThreshold(integer("admission.threshold", v)));
    m.put("row.expiry.events", (c, v) ->
        c.withRowExpiryEvents(longValue("row.expiry.events", v)));
    m.put("affinity.decay", (c, v) ->
        c.withAffinity(decimal("affinity.decay", v), c.affinityInterval()));
    m.put("affinity.interval", (c, v) ->
        c.withAffinity(c.affinityDecay(), integer("affinity.interval", v)));
    m.put("seed", (c, v) -> c.withSeed(longValue("seed", v)));
    return m;
  }

  private static IllegalArgumentException invalid(String key, String value, String rule) {
    return new IllegalArgumentException(
        "Invalid value " + value + " for configuration " + PREFIX + key + ": " + rule);
  }

  /** A {@link ModelConfig} message without its leading field name ("embeddingDim: must ..."). */
  private static String ruleOf(IllegalArgumentException e) {
    String m = e.getMessage() == null ? "invalid" : e.getMessage();
    int colon = m.indexOf(": ");
    return colon > 0 && !m.substring(0, colon).contains(" ") ? m.substring(colon + 2) : m;
  }

  private static int integer(String key, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "must be an integer");
    }
  }

  private static long longValue(String key, String v) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "must be an integer");
    }
  }

  private static double decimal(String key, String v) {
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "must be a number");
    }
    if (!Double.isFinite(d)) {
      throw invalid(key, v, "must be a finite number");
    }
    return d;
  }

  private static boolean bool(String key, String v) {
    String t = v.toLowerCase(Locale.ROOT);
    if (t.equals("true") || t.equals("false")) {
      return t.equals("true");
    }
    throw invalid(key, v, "must be true or false");
  }

  private static List<Integer> integers(String key, String v) {
    List<Integer> out = new ArrayList<>();
    for (String part : v.split(",", -1)) {
      if (part.isBlank()) {
        throw invalid(key, v, "must be a comma-separated list of integers without empty items");
      }
      out.add(integer(key, part.trim()));
    }
    return out;
  }

  private static List<String> names(String key, String v) {
    List<String> out = new ArrayList<>();
    if (v.isEmpty()) {
      return out;
    }
    for (String part : v.split(",", -1)) {
      if (part.isBlank()) {
        throw invalid(key, v, "must be a comma-separated list of names without empty items");
      }
      out.add(part.trim());
    }
    return out;
  }

  private static <E extends Enum<E>> E choice(String key, String v, Class<E> type) {
    String wanted = v.toUpperCase(Locale.ROOT).replace('-', '_');
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return e;
      }
      allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw invalid(key, v, "must be one of " + String.join(", ", allowed));
  }
}
