package io.tandem.streams.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoded query string of a request: parameter name to its values in order of appearance.
 * {@code a=1&a=2&b} gives {@code a=[1,2], b=[""]}. Names and values are percent-decoded as UTF-8
 * ({@code +} is a space); a malformed escape is a 400.
 */
final class QueryParameters {

  private final Map<String, List<String>> values;

  private QueryParameters(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * Parses a raw (still percent-encoded) query string.
   *
   * @param rawQuery the part after {@code ?}; null or empty for none
   * @throws HttpFailure 400 for a malformed percent escape
   */
  static QueryParameters parse(String rawQuery) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), pair);
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), pair);
        values.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
      }
    }
    return new QueryParameters(values);
  }

  private static String decode(String raw, String pair) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new HttpFailure(
          400, "invalid_query", "malformed percent-encoding in '" + pair + "': " + e.getMessage());
    }
  }

  /** Every parameter name, in order of first appearance. */
  Iterable<String> names() {
    return Collections.unmodifiableSet(values.keySet());
  }

  /** All values of {@code name}, in order; empty if absent. */
  List<String> all(String name) {
    return Collections.unmodifiableList(values.getOrDefault(name, List.of()));
  }

  /**
   * The single non-empty value of a required parameter.
   *
   * @throws HttpFailure 400 if absent or empty, or given more than once
   */
  String required(String name) {
    List<String> given = values.get(name);
    if (given == null || given.isEmpty() || (given.size() == 1 && given.get(0).isEmpty())) {
      throw HttpFailure.missingParameter(name);
    }
    if (given.size() > 1) {
      throw HttpFailure.invalidParameter(
          name, "must be given once, got " + given.size() + " values");
    }
    return given.get(0);
  }
}
