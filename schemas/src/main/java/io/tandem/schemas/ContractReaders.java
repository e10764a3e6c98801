package io.tandem.schemas;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * {@link StreamingReader}s of the two hot input types, labelled events and prediction requests: one pass over the
 * tokens, no tree.
 *
 * <p>Each reader accepts exactly the plain, valid shape and declines ({@code null}) everything else, so that the
 * tree path decides it and words the rejection:
 * <ul>
 *   <li>the root is an object whose properties are each of the type's known fields, at most once (an unknown
 *       extra field, valid but rare, is also declined);</li>
 *   <li>ids and task names are strings of 1..256 UTF-16 units ({@link ConformingShapes#MAX_STRING}; the schema
 *       counts code points, which are never more);</li>
 *   <li>{@code ts} is an integer literal that fits a long and is at least 0 (an integral fraction such as
 *       {@code 5.0} or {@code 1e3}, which the tree path accepts, is declined);</li>
 *   <li>{@code label} and context numbers are integer literals that fit a long, or finite floating-point literals
 *       (integers beyond 64 bits and literals that overflow a double are declined);</li>
 *   <li>{@code context} is an object of at most 64 distinct keys whose values are numbers or strings of at most 256
 *       units; {@code tasks} an array of at most 64 distinct ids; {@code null} is declined everywhere.</li>
 * </ul>
 * The values read are those the tree path binds: an integer label becomes the nearest double as the tree's integer
 * nodes give it, a float literal Jackson's {@code getDoubleValue()} (the value the tree's double node holds), an
 * integer context value a {@code Long}, a float one a {@code Double}, in the order of the input. The checks restate
 * {@code labelled-event.schema.json} and {@code prediction-request.schema.json}, as {@link ConformingShapes} does for
 * trees; {@code StreamingFastPathTest} compares both paths on generated and mutated records. Stateless and
 * thread-safe.
 */
final class ContractReaders {
  private static final int ID = 1;
  private static final int TASK = 1 << 1;
  private static final int USER = 1 << 2;
  private static final int ITEM = 1 << 3;
  private static final int LABEL = 1 << 4;
  private static final int TS = 1 << 5;
  private static final int CONTEXT = 1 << 6;
  private static final int TASKS = 1 << 7;
  private static final int EVENT_REQUIRED = ID | TASK | USER | ITEM | LABEL | TS;
  private static final int REQUEST_REQUIRED = ID | USER | ITEM | TS;

  private ContractReaders() {
  }

  /** Reads a labelled event, or null when the tree path must decide. */
  static LabelledEvent labelledEvent(JsonParser p) {
    Fields f = new Fields();
    if (!f.read(p, ContractReaders::eventField, EVENT_REQUIRED)) {
      return null;
    }
    return new LabelledEvent(f.id, f.task, f.user, f.item, f.label, f.ts, f.context);
  }

  /** Reads a prediction request, or null when the tree path must decide. */
  static PredictionRequest predictionRequest(JsonParser p) {
    Fields f = new Fields();
    if (!f.read(p, ContractReaders::requestField, REQUEST_REQUIRED)) {
      return null;
    }
    return new PredictionRequest(f.id, f.user, f.item, f.tasks, f.ts, f.context);
  }

  /** The fields of one event or request object as the token loop reads them. */
  private static final class Fields {
    private String id;
    private String task;
    private String user;
    private String item;
    private double label;
    private long ts = -1;
    private List<String> tasks;
    private Map<String, Object> context;

    /**
     * Reads one object whose field names {@code fieldOf} maps to field bits (0 = not a field of
     * this record): true when every field was plainly valid, none repeated and all of
     * {@code required} present; false when the tree path must decide.
     */
    boolean read(JsonParser p, ToIntFunction<String> fieldOf, int required) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      int seen = 0;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        int field = fieldOf.applyAsInt(p.currentName());
        if (t != JsonToken.PROPERTY_NAME || field == 0 || (seen & field) != 0) {
          return false;
        }
        seen |= field;
        if (!accept(field, p, p.nextToken())) {
          return false;
        }
      }
      return (seen & required) == required;
    }

    private boolean accept(int field, JsonParser p, JsonToken value) {
      return switch (field) {
        case ID -> (id = idOrNull(p, value)) != null;
        case TASK -> (task = idOrNull(p, value)) != null;
        case USER -> (user = idOrNull(p, value)) != null;
        case ITEM -> (item = idOrNull(p, value)) != null;
        case LABEL -> !Double.isNaN(label = numberOrNaN(p, value));
        case TS -> (ts = timestampOrNegative(p, value)) >= 0;
        case TASKS -> (tasks = tasksOrNull(p, value)) != null;
        default -> (context = contextOrNull(p, value)) != null;
      };
    }
  }

  private static int eventField(String name) {
    return switch (name == null ? "" : name) {
      case "id" -> ID;
      case "task" -> TASK;
      case "user" -> USER;
      case "item" -> ITEM;
      case "label" -> LABEL;
      case "ts" -> TS;
      case "context" -> CONTEXT;
      default -> 0;
    };
  }

  private static int requestField(String name) {
    return switch (name == null ? "" : name) {
      case "id" -> ID;
      case "user" -> USER;
      case "item" -> ITEM;
      case "tasks" -> TASKS;
      case "ts" -> TS;
      case "context" -> CONTEXT;
      default -> 0;
    };
  }

  /** A string of 1..256 UTF-16 units, else null. */
  private static String idOrNull(JsonParser p, JsonToken value) {
    if (value != JsonToken.VALUE_STRING) {
      return null;
    }
    String s = p.getString();
    return s.isEmpty() || s.length() > ConformingShapes.MAX_STRING ? null : s;
  }

  /** An integer literal in 0..Long.MAX_VALUE, else -1. */
  private static long timestampOrNegative(JsonParser p, JsonToken value) {
    if (value != JsonToken.VALUE_NUMBER_INT || !fitsLong(p)) {
      return -1;
    }
    return p.getLongValue();
  }

  /** A label: a long-sized integer or a finite float literal as the tree's number node gives it, else NaN. */
  private static double numberOrNaN(JsonParser p, JsonToken value) {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return fitsLong(p) ? (double) p.getLongValue() : Double.NaN;
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return Double.isFinite(d) ? d : Double.NaN;
    }
    return Double.NaN;
  }

  private static boolean fitsLong(JsonParser p) {
    JsonParser.NumberType type = p.getNumberType();
    return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
  }

  /** At most 64 distinct keys with strings of at most 256 units or plain numbers, in input order; else null. */
  private static Map<String, Object> contextOrNull(JsonParser p, JsonToken value) {
    if (value != JsonToken.START_OBJECT) {
      return null;
    }
    Map<String, Object> context = new LinkedHashMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      if (t != JsonToken.PROPERTY_NAME || context.size() == ConformingShapes.MAX_ENTRIES) {
        return null;
      }
      String key = p.currentName();
      Object entry = contextValueOrNull(p, p.nextToken());
      if (entry == null || context.put(key, entry) != null) {
        return null;
      }
    }
    return context;
  }

  private static Object contextValueOrNull(JsonParser p, JsonToken value) {
    if (value == JsonToken.VALUE_STRING) {
      String s = p.getString();
      return s.length() > ConformingShapes.MAX_STRING ? null : s;
    }
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return fitsLong(p) ? (Object) p.getLongValue() : null;
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return Double.isFinite(d) ? (Object) d : null;
    }
    return null;
  }

  /** At most 64 distinct ids, in input order; else null. */
  private static List<String> tasksOrNull(JsonParser p, JsonToken value) {
    if (value != JsonToken.START_ARRAY) {
      return null;
    }
    List<String> tasks = new ArrayList<>();
    Set<String> distinct = new HashSet<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      String task = idOrNull(p, t);
      if (task == null || tasks.size() == ConformingShapes.MAX_ENTRIES || !distinct.add(task)) {
        return null;
      }
      tasks.add(task);
    }
    return tasks;
  }
}
