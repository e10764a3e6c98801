package io.tandem.schemas;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Factories for the validating codecs of every contract type. Each schema is compiled once per JVM and shared;
 * codecs are immutable and thread-safe. Record size limit: {@value JsonCodec#DEFAULT_MAX_RECORD_BYTES} bytes
 * unless an overload with {@code maxRecordBytes} is used.
 */
public final class Codecs {
  /** Classpath folder of the JSON Schema files. */
  public static final String SCHEMA_FOLDER = "/schemas/";

  private Codecs() {
  }

  /** Holds the compiled schemas; initialised on first use. */
  private static final class Compiled {
    static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    static final Schema LABELLED_EVENT = load("labelled-event.schema.json");
    static final Schema PREDICTION_REQUEST = load("prediction-request.schema.json");
    static final Schema PREDICTION = load("prediction.schema.json");
    static final Schema TRANSFER_UPDATE = load("transfer-update.schema.json");
    static final Schema TASK_DECLARATION = load("task-declaration.schema.json");

    private static Schema load(String file) {
      try (InputStream in = Codecs.class.getResourceAsStream(SCHEMA_FOLDER + file)) {
        if (in == null) {
          throw new IllegalStateException("schema resource missing: " + SCHEMA_FOLDER + file);
        }
        Schema schema = REGISTRY.getSchema(in);
        schema.initializeValidators();
        return schema;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema " + file, e);
      }
    }
  }

  /** Labelled events, checked against {@code tasks} (task declared, label in range); default size limit. */
  public static JsonCodec<LabelledEvent> labelledEvents(TaskCatalog tasks) {
    return labelledEvents(tasks, JsonCodec.DEFAULT_MAX_RECORD_BYTES);
  }

  /** Labelled events, checked against {@code tasks}, at most {@code maxRecordBytes} bytes each. */
  public static JsonCodec<LabelledEvent> labelledEvents(TaskCatalog tasks, int maxRecordBytes) {
    Objects.requireNonNull(tasks, "tasks");
    return labelledEvents(() -> tasks, maxRecordBytes);
  }

  /**
   * Labelled events, each checked against the catalog {@code tasks} supplies when it is decoded (a catalog that
   * grows while running); at most {@code maxRecordBytes} bytes each.
   *
   * @param tasks supplies the current catalog, never null; called once per decoded record, from any thread
   */
  public static JsonCodec<LabelledEvent> labelledEvents(Supplier<TaskCatalog> tasks, int maxRecordBytes) {
    Objects.requireNonNull(tasks, "tasks");
    return new JsonCodec<>("LabelledEvent", Compiled.LABELLED_EVENT, maxRecordBytes,
        ConformingShapes::labelledEvent, Codecs::readEvent,
        e -> {
          TaskCatalog catalog = tasks.get();
          TaskDeclaration task = catalog.find(e.task()).orElse(null);
          if (task == null) {
            return unknownTask("task", e.task(), catalog);
          }
          String problem = task.labelProblem(e.label());
          return problem == null ? null : new Rejection(RejectionReason.LABEL_OUT_OF_RANGE, problem);
        }, Codecs::writeEvent, ContractReaders::labelledEvent);
  }

  /** Prediction requests, every listed task checked against {@code tasks}; default size limit. */
  public static JsonCodec<PredictionRequest> requests(TaskCatalog tasks) {
    return requests(tasks, JsonCodec.DEFAULT_MAX_RECORD_BYTES);
  }

  /** Prediction requests, every listed task checked against {@code tasks}, at most {@code maxRecordBytes}. */
  public static JsonCodec<PredictionRequest> requests(TaskCatalog tasks, int maxRecordBytes) {
    Objects.requireNonNull(tasks, "tasks");
    return requests(() -> tasks, maxRecordBytes);
  }

  /**
   * Prediction requests, every listed task checked against the catalog {@code tasks} supplies when the request is
   * decoded; at most {@code maxRecordBytes} bytes each.
   *
   * @param tasks supplies the current catalog, never null; called once per decoded request, from any thread
   */
  public static JsonCodec<PredictionRequest> requests(Supplier<TaskCatalog> tasks, int maxRecordBytes) {
    Objects.requireNonNull(tasks, "tasks");
    return new JsonCodec<>("PredictionRequest", Compiled.PREDICTION_REQUEST, maxRecordBytes,
        ConformingShapes::predictionRequest, Codecs::readRequest, r -> {
          TaskCatalog catalog = tasks.get();
          for (int i = 0; i < r.tasks().size(); i++) {
            if (catalog.find(r.tasks().get(i)).isEmpty()) {
              return unknownTask("tasks[" + i + "]", r.tasks().get(i), catalog);
            }
          }
          return null;
        }, Codecs::writeRequest, ContractReaders::predictionRequest);
  }

  /** Predictions; default size limit. */
  public static JsonCodec<Prediction> predictions() {
    return predictions(JsonCodec.DEFAULT_MAX_RECORD_BYTES);
  }

  /** Predictions, at most {@code maxRecordBytes} bytes each. */
  public static JsonCodec<Prediction> predictions(int maxRecordBytes) {
    return new JsonCodec<>("Prediction", Compiled.PREDICTION, maxRecordBytes, node -> false,
        Codecs::readPrediction,
        p -> null, Codecs::writePrediction);
  }

  /** Transfer updates; default size limit. */
  public static JsonCodec<TransferUpdate> transferUpdates() {
    return transferUpdates(JsonCodec.DEFAULT_MAX_RECORD_BYTES);
  }

  /** Transfer updates, at most {@code maxRecordBytes} bytes each. */
  public static JsonCodec<TransferUpdate> transferUpdates(int maxRecordBytes) {
    return new JsonCodec<>("TransferUpdate", Compiled.TRANSFER_UPDATE, maxRecordBytes, node -> false,
        Codecs::readTransfer,
        t -> null, Codecs::writeTransfer);
  }

  /** Task declarations; default size limit. */
  public static JsonCodec<TaskDeclaration> taskDeclarations() {
    return taskDeclarations(JsonCodec.DEFAULT_MAX_RECORD_BYTES);
  }

  /** Task declarations, at most {@code maxRecordBytes} bytes each. */
  public static JsonCodec<TaskDeclaration> taskDeclarations(int maxRecordBytes) {
    return new JsonCodec<>("TaskDeclaration", Compiled.TASK_DECLARATION, maxRecordBytes, node -> false,
        Codecs::readTask,
        t -> null, Codecs::writeTask);
  }

  private static Rejection unknownTask(String field, String task, TaskCatalog tasks) {
    return new Rejection(RejectionReason.UNKNOWN_TASK, field + ": task '" + task
        + "' is not declared, declared tasks are " + tasks.names());
  }

  // ---- reading (the schema has already checked presence and JSON types) ----

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asString();
  }

  private static long integer(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (!v.canConvertToLong()) {
      throw new IllegalArgumentException(field + ": must fit a 64-bit integer, got " + v);
    }
    return v.longValue();
  }

  private static Long optionalInteger(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : integer(n, field);
  }

  private static Double optionalNumber(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.doubleValue();
  }

  private static Map<String, Object> context(JsonNode n) {
    JsonNode c = n.get("context");
    if (c == null || c.isNull()) {
      return Map.of();
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : c.properties()) {
      JsonNode v = e.getValue();
      if (v.isString()) {
        map.put(e.getKey(), v.asString());
      } else if (v.isIntegralNumber() && v.canConvertToLong()) {
        map.put(e.getKey(), v.longValue());
      } else {
        map.put(e.getKey(), v.doubleValue());
      }
    }
    return map;
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, JsonNode n, String field) {
    return Enum.valueOf(type, n.get(field).asString().toUpperCase(Locale.ROOT));
  }

  private static LabelledEvent readEvent(JsonNode n) {
    return new LabelledEvent(text(n, "id"), text(n, "task"), text(n, "user"), text(n, "item"),
        n.get("label").doubleValue(), integer(n, "ts"), context(n));
  }

  private static PredictionRequest readRequest(JsonNode n) {
    List<String> tasks = new ArrayList<>();
    JsonNode t = n.get("tasks");
    if (t != null) {
      for (JsonNode task : t) {
        tasks.add(task.asString());
      }
    }
    return new PredictionRequest(text(n, "id"), text(n, "user"), text(n, "item"), tasks, integer(n, "ts"),
        context(n));
  }

  private static Prediction readPrediction(JsonNode n) {
    Map<String, Double> scores = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.get("scores").properties()) {
      scores.put(e.getKey(), e.getValue().doubleValue());
    }
    return new Prediction(text(n, "id"), enumOf(PredictionSource.class, n, "source"), text(n, "user"),
        text(n, "item"), scores, integer(n, "model_version"), integer(n, "ts"));
  }

  private static TransferUpdate readTransfer(JsonNode n) {
    List<TransferUpdate.Source> sources = new ArrayList<>();
    for (JsonNode s : n.get("sources")) {
      sources.add(new TransferUpdate.Source(s.get("task").asString(), s.get("affinity").doubleValue()));
    }
    return new TransferUpdate(text(n, "id"), text(n, "task"), enumOf(TransferUpdate.Action.class, n, "action"),
        enumOf(TransferUpdate.Trigger.class, n, "trigger"), text(n, "detector"),
        optionalInteger(n, "detected_at_event"), sources,
        enumOf(TransferUpdate.Decision.class, n, "decision"), text(n, "metric"),
        n.get("incumbent_metric").doubleValue(), optionalNumber(n, "candidate_metric"),
        integer(n, "model_version"), integer(n, "ts"));
  }

  private static TaskDeclaration readTask(JsonNode n) {
    return new TaskDeclaration(text(n, "name"), enumOf(TaskType.class, n, "type"), optionalNumber(n, "min"),
        optionalNumber(n, "max"), n.get("weight").doubleValue());
  }

  // ---- writing ----

  private static void putContext(ObjectNode o, Map<String, Object> context) {
    if (context.isEmpty()) {
      return;
    }
    ObjectNode c = o.putObject("context");
    context.forEach((k, v) -> {
      if (v instanceof String s) {
        c.put(k, s);
      } else if (v instanceof Long l) {
        c.put(k, l);
      } else {
        c.put(k, (Double) v);
      }
    });
  }

  private static JsonNode writeEvent(LabelledEvent e) {
    ObjectNode o = JsonCodec.MAPPER.createObjectNode();
    o.put("id", e.id()).put("task", e.task()).put("user", e.user()).put("item", e.item());
    o.put("label", e.label()).put("ts", e.ts());
    putContext(o, e.context());
    return o;
  }

  private static JsonNode writeRequest(PredictionRequest r) {
    ObjectNode o = JsonCodec.MAPPER.createObjectNode();
    o.put("id", r.id()).put("user", r.user()).put("item", r.item());
    if (!r.tasks().isEmpty()) {
      ArrayNode a = o.putArray("tasks");
      r.tasks().forEach(a::add);
    }
    o.put("ts", r.ts());
    putContext(o, r.context());
    return o;
  }

  private static JsonNode writePrediction(Prediction p) {
    ObjectNode o = JsonCodec.MAPPER.createObjectNode();
    o.put("id", p.id()).put("source", p.source().json()).put("user", p.user()).put("item", p.item());
    ObjectNode scores = o.putObject("scores");
    p.scores().forEach(scores::put);
    o.put("model_version", p.modelVersion()).put("ts", p.ts());
    return o;
  }

  private static JsonNode writeTransfer(TransferUpdate t) {
    ObjectNode o = JsonCodec.MAPPER.createObjectNode();
    o.put("id", t.id()).put("task", t.task()).put("action", t.action().json())
        .put("trigger", t.trigger().json());
    if (t.detector() != null) {
      o.put("detector", t.detector());
    }
    if (t.detectedAtEvent() != null) {
      o.put("detected_at_event", t.detectedAtEvent().longValue());
    }
    ArrayNode sources = o.putArray("sources");
    t.sources().forEach(s -> sources.addObject().put("task", s.task()).put("affinity", s.affinity()));
    o.put("decision", t.decision().json()).put("metric", t.metric())
        .put("incumbent_metric", t.incumbentMetric());
    if (t.candidateMetric() != null) {
      o.put("candidate_metric", t.candidateMetric().doubleValue());
    }
    o.put("model_version", t.modelVersion()).put("ts", t.ts());
    return o;
  }

  private static JsonNode writeTask(TaskDeclaration t) {
    ObjectNode o = JsonCodec.MAPPER.createObjectNode();
    o.put("name", t.name()).put("type", t.type().json());
    if (t.min() != null) {
      o.put("min", t.min().doubleValue()).put("max", t.max().doubleValue());
    }
    o.put("weight", t.weight());
    return o;
  }
}
