package io.tandem.model.baseline;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskLearner;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The online baseline: for each task independently, logistic regression (binary task) or linear
 * regression (regression task) on one-hot user, item and categorical-context features plus
 * standardised numeric context, trained by plain SGD.
 *
 * <p>Math, per task t and example x with active one-hot features F(x) and numeric values z(x):
 *
 * <pre>
 *   s_t(x) = b_t + sum_{f in F(x)} w_{t,f} + sum_j v_{t,j} z_j(x)
 *   binary:     p = sigmoid(s),   loss = log loss,         dL/ds = p - y
 *   regression: y^ = clip(s, range), loss = (s - y)^2 / 2,  dL/ds = s - y
 *   SGD:        theta -= learningRate * dL/ds * ds/dtheta   (ds/dw = 1 for active one-hots,
 *                                                            ds/dv_j = z_j)
 * </pre>
 *
 * <p>A batch is one step: every example's gradient is computed at the weights the batch started
 * with, then all are applied (summed, not averaged, so batch size 1 is per-event SGD and a
 * rare id's step does not shrink with the batch). An example updates only the tasks it carries
 * a label for. Numeric fields are standardised with running statistics from learned examples
 * ({@link NumericScaler}), updated after the batch's step. Nothing is shared between tasks: this
 * is the "no transfer" reference Tandem must beat. Unseen ids and values score weight 0.
 *
 * <p>Not thread-safe (one thread drives a learner, as {@link MultiTaskLearner} says).
 */
public final class OneHotLinearBaseline implements MultiTaskLearner {

  private final BaselineConfig config;
  private final List<TaskSpec> tasks;
  private final Map<String, TaskSpec> specs = new LinkedHashMap<>();
  private final Map<String, LinearTask> models = new LinkedHashMap<>();
  private final NumericScaler scaler = new NumericScaler();
  private long version;

  /**
   * A baseline without learned state.
   *
   * @param config hyperparameters
   * @param tasks the tasks, non-empty, distinct names
   * @throws IllegalArgumentException on an empty task list or a duplicate task name
   */
  public OneHotLinearBaseline(BaselineConfig config, List<TaskSpec> tasks) {
    this.config = Objects.requireNonNull(config, "config");
    this.tasks = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
    if (this.tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks: at least one task is required");
    }
    for (TaskSpec spec : this.tasks) {
      if (specs.put(spec.name(), spec) != null) {
        throw new IllegalArgumentException("tasks: duplicate task name '" + spec.name() + "'");
      }
      models.put(spec.name(), new LinearTask(spec, config));
    }
  }

  /** The hyperparameters. */
  public BaselineConfig config() {
    return config;
  }

  @Override
  public List<TaskSpec> tasks() {
    return tasks;
  }

  @Override
  public List<Map<String, Double>> predict(List<Example> batch) {
    Objects.requireNonNull(batch, "batch");
    List<Map<String, Double>> out = new ArrayList<>(batch.size());
    for (Example example : batch) {
      Objects.requireNonNull(example, "batch element");
      Map<String, Double> scores = new LinkedHashMap<>();
      for (Map.Entry<String, LinearTask> m : models.entrySet()) {
        scores.put(m.getKey(), m.getValue().predict(example, scaler));
      }
      out.add(Collections.unmodifiableMap(scores));
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public void learn(List<LabelledExample> batch) {
    Objects.requireNonNull(batch, "batch");
    for (LabelledExample labelled : batch) {
      Objects.requireNonNull(labelled, "batch element");
      for (Map.Entry<String, Double> label : labelled.labels().entrySet()) {
        TaskSpec spec = specs.get(label.getKey());
        if (spec == null) {
          throw new IllegalArgumentException("label for task '" + label.getKey()
              + "': unknown task; this learner's tasks are " + specs.keySet());
        }
        if (!spec.accepts(label.getValue())) {
          throw new IllegalArgumentException("label for task '" + spec.name() + "': must be "
              + (spec.kind() == TaskKind.BINARY ? "0 or 1"
                  : "within [" + spec.labelMin() + ", " + spec.labelMax() + "]")
              + ", got " + label.getValue());
        }
      }
    }
    // gradients at the batch's starting weights, then the summed step
    List<double[]> gradients = new ArrayList<>(batch.size());
    List<List<String>> taskOrder = new ArrayList<>(batch.size());
    for (LabelledExample labelled : batch) {
      List<String> names = new ArrayList<>(labelled.labels().keySet());
      Collections.sort(names); // a fixed order: Map.copyOf's iteration order is unspecified
      double[] g = new double[names.size()];
      for (int k = 0; k < names.size(); k++) {
        LinearTask model = models.get(names.get(k));
        double raw = model.raw(labelled.example(), scaler);
        g[k] = model.gradient(raw, labelled.labels().get(names.get(k)));
      }
      gradients.add(g);
      taskOrder.add(names);
    }
    for (int i = 0; i < batch.size(); i++) {
      Example example = batch.get(i).example();
      List<String> names = taskOrder.get(i);
      for (int k = 0; k < names.size(); k++) {
        models.get(names.get(k)).step(example, scaler, gradients.get(i)[k]);
      }
    }
    for (LabelledExample labelled : batch) {
      List<String> fields = new ArrayList<>(labelled.example().numeric().keySet());
      Collections.sort(fields);
      for (String field : fields) {
        scaler.observe(field, labelled.example().numeric().get(field));
      }
    }
    version++;
  }

  @Override
  public long version() {
    return version;
  }
}
