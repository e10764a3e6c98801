package io.tandem.streams.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer of one {@link ServingModel#predict} call.
 *
 * @param byTask task name to score (a probability for a binary task, the predicted label for a
 *     regression); copied, iteration order kept; every score finite
 * @param modelVersion the version of the model that made these scores; not negative
 */
public record Scores(Map<String, Double> byTask, long modelVersion) {

  /** Validates and copies (keeping the map's iteration order). */
  public Scores {
    Objects.requireNonNull(byTask, "byTask");
    if (modelVersion < 0) {
      throw new IllegalArgumentException("modelVersion: must be >= 0, got " + modelVersion);
    }
    for (Map.Entry<String, Double> e : byTask.entrySet()) {
      if (e.getValue() == null || !Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException(
            "score for task '" + e.getKey() + "': must be finite, got " + e.getValue());
      }
    }
    byTask = Collections.unmodifiableMap(new LinkedHashMap<>(byTask));
  }
}
