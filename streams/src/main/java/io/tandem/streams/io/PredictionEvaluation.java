package io.tandem.streams.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.model.TaskSpec;
import io.tandem.model.metrics.PrequentialEvaluator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a predictions file against a ground-truth file with a {@link PrequentialEvaluator}, in the
 * truth file's order (the order the stream was generated in, so windows line up with drift
 * positions).
 *
 * <p>Predictions: JSON lines as on {@code tandem.predictions} ({@code {"id", "source", "scores":
 * {task: score}}}); only {@code source = "event"} (or no source) is used, matched to the truth by
 * {@code id}; when an id occurs more than once (a replayed batch under at-least-once), the first
 * prediction counts. Truth: JSON lines {@code {"id", "task", "label", "truth"}} as written by
 * {@code tandem generate --truth}.
 *
 * <p>Thread-safety: stateless.
 */
public final class PredictionEvaluation {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The outcome.
   *
   * @param evaluator            the filled evaluator (overall, recent and per-window reports)
   * @param events               truth lines evaluated (those with a prediction)
   * @param withoutPrediction    truth lines whose id has no prediction for its task (not evaluated)
   * @param unmatchedPredictions prediction ids that are not in the truth file
   */
  public record Result(PrequentialEvaluator evaluator, long events, long withoutPrediction,
      long unmatchedPredictions) {}

  private PredictionEvaluation() {}

  /**
   * Evaluates.
   *
   * @param predictions predictions JSON lines
   * @param truth       truth JSON lines
   * @param tasks       the tasks (kinds and label ranges), e.g. from the configuration
   * @param window      window size in events, &gt;= 1
   * @throws IOException              if a file cannot be read
   * @throws IllegalArgumentException naming the file and line for malformed lines, unknown tasks or
   * illegal labels
   */
  public static Result evaluate(Path predictions, Path truth, List<TaskSpec> tasks, int window) throws IOException {
    Map<String, JsonNode> scoresById = readPredictions(predictions);
    PrequentialEvaluator evaluator = new PrequentialEvaluator(tasks, window);
    long events = 0;
    long missing = 0;
    long matched = 0;
    long lineNumber = 0;
    try (JsonLinesReader reader = new JsonLinesReader(truth)) {
      byte[] line;
      while ((line = reader.next()) != null) {
        lineNumber++;
        JsonNode node = parse(line, truth, lineNumber);
        String id = text(node, "id", truth, lineNumber);
        String task = text(node, "task", truth, lineNumber);
        double label = number(node, "label", truth, lineNumber);
        JsonNode truthNode = node.get("truth");
        double truthValue = truthNode != null && truthNode.isNumber() ? truthNode.doubleValue() : Double.NaN;
        JsonNode scores = scoresById.get(id);
        if (scores != null) {
          matched++;
        }
        JsonNode score = scores == null ? null : scores.get(task);
        if (score == null || !score.isNumber()) {
          missing++;
          continue;
        }
        try {
          evaluator.record(task, score.doubleValue(), label, truthValue);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(truth + " line " + lineNumber + ": " + e.getMessage(), e);
        }
        events++;
      }
    }
    return new Result(evaluator, events, missing, scoresById.size() - matched);
  }

  private static Map<String, JsonNode> readPredictions(Path file) throws IOException {
    Map<String, JsonNode> out = new HashMap<>();
    long lineNumber = 0;
    try (JsonLinesReader reader = new JsonLinesReader(file)) {
      byte[] line;
      while ((line = reader.next()) != null) {
        lineNumber++;
        JsonNode node = parse(line, file, lineNumber);
        JsonNode source = node.get("source");
        if (source != null && !"event".equals(source.asText())) {
          continue;
        }
        String id = text(node, "id", file, lineNumber);
        JsonNode scores = node.get("scores");
        if (scores == null || !scores.isObject()) {
          throw new IllegalArgumentException(file + " line " + lineNumber + ": scores: must be an object");
        }
        out.putIfAbsent(id, scores);
      }
    }
    return out;
  }

  private static JsonNode parse(byte[] line, Path file, long lineNumber) {
    try {
      JsonNode node = JSON.readTree(new String(line, StandardCharsets.UTF_8));
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(file + " line " + lineNumber + ": must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + " line " + lineNumber + ": not valid JSON: "
          + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode node, String field, Path file, long lineNumber) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(file + " line " + lineNumber + ": " + field + ": must be a string");
    }
    return value.asText();
  }

  private static double number(JsonNode node, String field, Path file, long lineNumber) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException(file + " line " + lineNumber + ": " + field + ": must be a number");
    }
    return value.doubleValue();
  }
}
