package io.tandem.schemas;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A prediction on {@code tandem.predictions}. JSON field {@code modelVersion} is spelled {@code model_version}.
 *
 * @param id           id of the event or request answered
 * @param source       what was answered
 * @param user         user id (also the record key)
 * @param item         item id
 * @param scores       finite score per task name (probability for binary tasks, value for regressions); copied
 * @param modelVersion version of the model that scored, >= 0
 * @param ts           time of the answered record, epoch milliseconds, >= 0
 */
public record Prediction(String id, PredictionSource source, String user, String item, Map<String, Double> scores,
             long modelVersion, long ts) {
  /** Validates every field and copies the scores. */
  public Prediction {
    Checks.id("id", id);
    Objects.requireNonNull(source, "source: must not be null");
    Checks.id("user", user);
    Checks.id("item", item);
    Objects.requireNonNull(scores, "scores: must not be null");
    Map<String, Double> copy = new LinkedHashMap<>();
    scores.forEach((task, score) -> {
      Checks.id("scores key", task);
      if (score == null) {
        throw new IllegalArgumentException("scores." + task + ": must not be null");
      }
      copy.put(task, Checks.finite("scores." + task, score));
    });
    scores = Collections.unmodifiableMap(copy);
    Checks.timestamp("model_version", modelVersion);
    Checks.timestamp("ts", ts);
  }
}
