package io.tandem.schemas;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Conservative shape checks that let {@link JsonCodec} skip the general JSON Schema validator for
 * the common, plainly valid record of the two hot input types (labelled events and prediction
 * requests).
 *
 * <p>Each check is <em>sound, not complete</em>: when it answers {@code true} the tree satisfies
 * the type's schema file; when it answers {@code false} nothing is concluded and the codec runs the
 * full validator, which then produces the exact rejection message as before. Corners it leaves to
 * the validator on purpose: integers written with a fraction ({@code 5.0}), integers beyond 64
 * bits, strings longer than the limit in UTF-16 units (the schema counts code points, which are
 * never more), and anything not shaped like the schema.
 *
 * <p>The checks restate the schema files {@code labelled-event.schema.json} and
 * {@code prediction-request.schema.json}; {@code ConformingShapesTest} verifies against the real
 * validator, on valid and mutated trees, that no tree is accepted here and rejected there. A change
 * to either schema file must be mirrored here (the test fails otherwise for the rules it mutates).
 * Stateless and thread-safe.
 */
final class ConformingShapes {
  /** The schemas' {@code maxLength} of ids, task names and context strings. */
  static final int MAX_STRING = 256;
  /** The schemas' {@code maxProperties} of {@code context} and {@code maxItems} of {@code tasks}. */
  static final int MAX_ENTRIES = 64;

  private ConformingShapes() {
  }

  /** True only if {@code node} certainly satisfies the labelled-event schema. */
  static boolean labelledEvent(JsonNode node) {
    return node.isObject()
        && isId(node.get("id"))
        && isId(node.get("task"))
        && isId(node.get("user"))
        && isId(node.get("item"))
        && isNumber(node.get("label"))
        && isNonNegativeInteger(node.get("ts"))
        && isContextOrAbsent(node.get("context"));
  }

  /** True only if {@code node} certainly satisfies the prediction-request schema. */
  static boolean predictionRequest(JsonNode node) {
    return node.isObject()
        && isId(node.get("id"))
        && isId(node.get("user"))
        && isId(node.get("item"))
        && isNonNegativeInteger(node.get("ts"))
        && isTaskListOrAbsent(node.get("tasks"))
        && isContextOrAbsent(node.get("context"));
  }

  /** A string of 1..256 UTF-16 units (so 1..256 code points). */
  private static boolean isId(JsonNode v) {
    if (v == null || !v.isString()) {
      return false;
    }
    int length = v.asString().length();
    return length >= 1 && length <= MAX_STRING;
  }

  private static boolean isNumber(JsonNode v) {
    return v != null && v.isNumber();
  }

  /** A JSON integer literal that fits a long and is at least 0. */
  private static boolean isNonNegativeInteger(JsonNode v) {
    return v != null && v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0;
  }

  /** Absent, or an object of at most 64 entries, each a number or a string of at most 256 units. */
  private static boolean isContextOrAbsent(JsonNode v) {
    if (v == null) {
      return true;
    }
    if (!v.isObject() || v.size() > MAX_ENTRIES) {
      return false;
    }
    for (Map.Entry<String, JsonNode> entry : v.properties()) {
      JsonNode value = entry.getValue();
      boolean conforms = value.isNumber()
          || value.isString() && value.asString().length() <= MAX_STRING;
      if (!conforms) {
        return false;
      }
    }
    return true;
  }

  /** Absent, or an array of at most 64 distinct strings of 1..256 units. */
  private static boolean isTaskListOrAbsent(JsonNode v) {
    if (v == null) {
      return true;
    }
    if (!v.isArray() || v.size() > MAX_ENTRIES) {
      return false;
    }
    Set<String> seen = new HashSet<>();
    for (JsonNode task : v) {
      if (!isId(task) || !seen.add(task.asString())) {
        return false;
      }
    }
    return true;
  }
}
