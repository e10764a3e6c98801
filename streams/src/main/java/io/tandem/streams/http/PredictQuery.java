package io.tandem.streams.http;

import io.tandem.model.Example;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated parameters of {@code GET /predict}.
 *
 * <p>Parameters: {@code user} and {@code item} (required, once each); {@code task} (optional,
 * repeatable, each value may be a comma-separated list; absent means every task of the model);
 * {@code ctx.<field>=<value>} (optional context features). A context value written as a JSON
 * number (e.g. {@code ctx.hour=13}, {@code ctx.price=-1.5e2}) is a numeric feature; anything else
 * (e.g. {@code ctx.device=mobile}) is a categorical one — the same split a JSON event's number and
 * string values get. Any other parameter is rejected so a typo ({@code usr=}) is not ignored.
 *
 * @param example the input to score
 * @param tasks requested task names in request order without duplicates; empty means all tasks
 */
record PredictQuery(Example example, List<String> tasks) {

  static final String USER = "user";
  static final String ITEM = "item";
  static final String TASK = "task";
  static final String CONTEXT_PREFIX = "ctx.";

  private static final Pattern JSON_NUMBER =
      Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");

  PredictQuery {
    tasks = List.copyOf(tasks);
  }

  /**
   * Validates and converts the query parameters.
   *
   * @throws HttpFailure 400 naming the first missing, repeated, unknown or invalid parameter
   */
  static PredictQuery parse(QueryParameters query) {
    String user = query.required(USER);
    String item = query.required(ITEM);
    Set<String> tasks = new LinkedHashSet<>();
    Map<String, String> categorical = new HashMap<>();
    Map<String, Double> numeric = new HashMap<>();
    for (String name : query.names()) {
      if (name.equals(USER) || name.equals(ITEM)) {
        continue;
      }
      if (name.equals(TASK)) {
        for (String value : query.all(TASK)) {
          for (String task : value.split(",", -1)) {
            String trimmed = task.strip();
            if (trimmed.isEmpty()) {
              throw HttpFailure.invalidParameter(
                  TASK, "must be a non-empty task name or comma-separated list, got '" + value + "'");
            }
            tasks.add(trimmed);
          }
        }
      } else if (name.startsWith(CONTEXT_PREFIX)) {
        addContext(name, query.all(name), categorical, numeric);
      } else {
        throw HttpFailure.invalidParameter(
            name, "unknown query parameter; allowed: user, item, task, ctx.<field>");
      }
    }
    return new PredictQuery(new Example(user, item, categorical, numeric), new ArrayList<>(tasks));
  }

  private static void addContext(
      String name, List<String> values, Map<String, String> categorical,
      Map<String, Double> numeric) {
    String field = name.substring(CONTEXT_PREFIX.length());
    if (field.isEmpty()) {
      throw HttpFailure.invalidParameter(name, "a context parameter needs a field name: ctx.<field>");
    }
    if (values.size() != 1) {
      throw HttpFailure.invalidParameter(name, "must be given once, got " + values.size() + " values");
    }
    String value = values.get(0);
    if (JSON_NUMBER.matcher(value).matches()) {
      double number = Double.parseDouble(value);
      if (!Double.isFinite(number)) {
        throw HttpFailure.invalidParameter(name, "must be a finite number, got " + value);
      }
      numeric.put(field, number);
    } else if (value.isEmpty()) {
      throw HttpFailure.invalidParameter(name, "must not be empty");
    } else {
      categorical.put(field, value);
    }
  }
}
