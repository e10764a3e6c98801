package io.tandem.streams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.TaskWatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /model}: what this instance's models look like.
 *
 * <p>Body: {@code {"version", "tasks":[{"name","type","min","max"}], "loss_weights":{task:w},
 * "tables":{table:rows}, "stream_tasks":[{"id","version","loss_weights","tables","drift"}]}},
 * {@code drift} listing each task's watch ({@code task, detector, task_events, warmup_left,
 * shadow, alarms, promotions, rollbacks}; empty when drift is not watched). The
 * top-level {@code version} is the highest among the local models; {@code loss_weights} is the mean
 * over them (each stream task learns its own copy); {@code tables} sums rows over them (rows this
 * instance holds). 503 {@code model_not_ready} while the instance holds no model.
 *
 * <p>Thread-safe: stateless apart from its thread-safe collaborators.
 */
final class ModelEndpoint {

  private final PredictionService service;
  private final ObjectMapper json;

  ModelEndpoint(PredictionService service, ObjectMapper json) {
    this.service = Objects.requireNonNull(service, "service");
    this.json = Objects.requireNonNull(json, "json");
  }

  HttpAnswer answer() throws JsonProcessingException {
    List<ServingModel> models = service.all();
    if (models.isEmpty()) {
      throw new HttpFailure(
          503, "model_not_ready", "this instance holds no model yet (starting or restoring)",
          Map.of("retry_after_seconds", 1));
    }
    long version = 0;
    Map<String, Double> weightSums = new LinkedHashMap<>();
    Map<String, Integer> weightCounts = new LinkedHashMap<>();
    Map<String, Long> tables = new LinkedHashMap<>();
    List<Map<String, Object>> streamTasks = new ArrayList<>();
    for (ServingModel model : models) {
      long modelVersion = model.version();
      Map<String, Double> weights = model.lossWeights();
      Map<String, Long> rows = model.tableRows();
      version = Math.max(version, modelVersion);
      weights.forEach(
          (task, w) -> {
            weightSums.merge(task, w, Double::sum);
            weightCounts.merge(task, 1, Integer::sum);
          });
      rows.forEach((table, n) -> tables.merge(table, n, Long::sum));
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("id", model.id());
      entry.put("version", modelVersion);
      entry.put("loss_weights", weights);
      entry.put("tables", rows);
      entry.put("drift", describeWatches(model.watches()));
      streamTasks.add(entry);
    }
    Map<String, Double> meanWeights = new LinkedHashMap<>();
    weightSums.forEach((task, sum) -> meanWeights.put(task, sum / weightCounts.get(task)));

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", version);
    body.put("tasks", describe(models.get(0).tasks()));
    body.put("loss_weights", meanWeights);
    body.put("tables", tables);
    body.put("stream_tasks", streamTasks);
    return HttpAnswer.json(200, json.writeValueAsBytes(body));
  }

  private static List<Map<String, Object>> describeWatches(List<TaskWatch> watches) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (TaskWatch watch : watches) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("task", watch.task());
      entry.put("detector", watch.detector());
      entry.put("task_events", watch.taskEvents());
      entry.put("warmup_left", watch.warmupLeft());
      entry.put("shadow", watch.shadowInProgress());
      entry.put("alarms", watch.alarms());
      entry.put("promotions", watch.promotions());
      entry.put("rollbacks", watch.rollbacks());
      out.add(entry);
    }
    return out;
  }

  private static List<Map<String, Object>> describe(List<TaskSpec> tasks) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (TaskSpec task : tasks) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", task.name());
      entry.put("type", task.kind() == TaskKind.BINARY ? "binary" : "regression");
      entry.put("min", task.labelMin());
      entry.put("max", task.labelMax());
      out.add(entry);
    }
    return out;
  }
}
