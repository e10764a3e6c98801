package io.tandem.schemas;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Argument checks shared by the records' compact constructors. */
final class Checks {
  /** Longest identifier accepted, in characters (mirrors the schemas' maxLength). */
  static final int MAX_ID_LENGTH = 256;
  /** Most context entries accepted (mirrors the schemas' maxProperties). */
  static final int MAX_CONTEXT_ENTRIES = 64;

  private Checks() {
  }

  static String id(String field, String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(field + ": must be a non-empty string of at most "
          + MAX_ID_LENGTH + " characters, got " + (value == null ? "null" : "'" + value + "'"));
    }
    return value;
  }

  static long timestamp(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + ": must be >= 0, got " + value);
    }
    return value;
  }

  static double finite(String field, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(field + ": must be a finite number, got " + value);
    }
    return value;
  }

  /** Copies a context map, checking its size and that values are strings or finite numbers. */
  static Map<String, Object> context(Map<String, Object> context) {
    if (context == null || context.isEmpty()) {
      return Map.of();
    }
    if (context.size() > MAX_CONTEXT_ENTRIES) {
      throw new IllegalArgumentException("context: must have at most " + MAX_CONTEXT_ENTRIES
          + " entries, got " + context.size());
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : context.entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if (key == null) {
        throw new IllegalArgumentException("context: keys must not be null");
      }
      if (v instanceof String s) {
        if (s.length() > MAX_ID_LENGTH) {
          throw new IllegalArgumentException("context." + key + ": string must be at most "
              + MAX_ID_LENGTH + " characters, got " + s.length());
        }
      } else if (v instanceof Long || v instanceof Integer) {
        v = ((Number) v).longValue();
      } else if (v instanceof Double || v instanceof Float) {
        v = finite("context." + key, ((Number) v).doubleValue());
      } else {
        throw new IllegalArgumentException("context." + key
            + ": must be a String, Long or Double, got " + v);
      }
      copy.put(key, v);
    }
    return Collections.unmodifiableMap(copy);
  }
}
