package io.tandem.model.baseline;

import io.tandem.model.Example;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One task's linear model: a bias, one weight per (categorical field, value) — the one-hot
 * features {@code user=<id>}, {@code item=<id>}, {@code ctx.<field>=<value>} — and one weight per
 * numeric field (on standardised values). The raw score is their sum; nothing is shared with
 * other tasks. Not thread-safe.
 */
final class LinearTask {

  private final TaskSpec spec;
  private final BaselineConfig config;
  private final Map<String, Map<String, Double>> categorical = new HashMap<>();
  private final Map<String, Double> numeric = new HashMap<>();
  private double bias;

  LinearTask(TaskSpec spec, BaselineConfig config) {
    this.spec = spec;
    this.config = config;
    // a regression starts at the middle of its range, a binary task at probability 1/2
    this.bias = spec.kind() == TaskKind.REGRESSION
        ? 0.5 * (spec.labelMin() + spec.labelMax()) : 0.0;
  }

  /** The linear score before the link (weights of unseen features count 0). */
  double raw(Example example, NumericScaler scaler) {
    double sum = bias + weight("user", example.user()) + weight("item", example.item());
    // fields in sorted order: the context maps' own iteration order may differ between JVM runs,
    // and a different summation order would change the last bits of the score
    for (String field : sorted(example.categorical())) {
      sum += weight("ctx." + field, example.categorical().get(field));
    }
    for (String field : sorted(example.numeric())) {
      sum += numeric.getOrDefault(field, 0.0)
          * scaler.scale(field, example.numeric().get(field));
    }
    return sum;
  }

  private static List<String> sorted(Map<String, ?> map) {
    if (map.size() <= 1) {
      return List.copyOf(map.keySet());
    }
    List<String> keys = new ArrayList<>(map.keySet());
    Collections.sort(keys);
    return keys;
  }

  /** The prediction: sigmoid of the score (binary) or the score clipped to the range. */
  double predict(Example example, NumericScaler scaler) {
    return link(raw(example, scaler));
  }

  double link(double raw) {
    if (spec.kind() == TaskKind.BINARY) {
      return raw >= 0 ? 1.0 / (1.0 + Math.exp(-raw)) : Math.exp(raw) / (1.0 + Math.exp(raw));
    }
    return Math.min(spec.labelMax(), Math.max(spec.labelMin(), raw));
  }

  /**
   * The loss gradient with respect to the raw score: {@code p - y} for log loss on a sigmoid,
   * {@code raw - y} for half the squared error on the unclipped score.
   */
  double gradient(double raw, double label) {
    return spec.kind() == TaskKind.BINARY ? link(raw) - label : raw - label;
  }

  /** One SGD step of size learningRate * gradient on every active feature's weight. */
  void step(Example example, NumericScaler scaler, double gradient) {
    double delta = -config.learningRate() * gradient;
    bias += delta;
    add("user", example.user(), delta);
    add("item", example.item(), delta);
    for (Map.Entry<String, String> e : example.categorical().entrySet()) {
      add("ctx." + e.getKey(), e.getValue(), delta);
    }
    for (Map.Entry<String, Double> e : example.numeric().entrySet()) {
      double x = scaler.scale(e.getKey(), e.getValue());
      numeric.merge(e.getKey(), delta * x, Double::sum);
    }
  }

  private double weight(String field, String value) {
    Map<String, Double> table = categorical.get(field);
    if (table == null) {
      return 0.0;
    }
    return table.getOrDefault(value, 0.0);
  }

  private void add(String field, String value, double delta) {
    Map<String, Double> table = categorical.computeIfAbsent(field, f -> new HashMap<>());
    Double current = table.get(value);
    double start = current != null ? current : initialWeight(field, value);
    table.put(value, start + delta);
  }

  private double initialWeight(String field, String value) {
    if (config.initScale() == 0.0) {
      return 0.0;
    }
    long key = config.seed() * 0x9E3779B97F4A7C15L
        + 31L * (31L * spec.name().hashCode() + field.hashCode()) + value.hashCode();
    return config.initScale() * new SplittableRandom(key).nextGaussian();
  }
}
