package io.tandem.streams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.model.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /predict}: validates the query, finds the owner of the user's key and either scores
 * locally or forwards once to the owner.
 *
 * <p>Answers: 200 {@code {"user","item","scores":{task:score},"model_version"}}; 400 for a
 * missing/invalid parameter or an unknown task (naming it); 421 {@code not_owner} when a forwarded
 * request reaches an instance that does not own the key either; 502 when the owner does not answer;
 * 503 {@code owner_unknown} (key metadata unavailable) or {@code model_not_ready} (no local model
 * for the user's partition yet).
 *
 * <p>Thread-safe: stateless apart from its thread-safe collaborators.
 */
final class PredictEndpoint {

  private final PredictionService service;
  private final KeyOwnerLocator locator;
  private final RequestForwarder forwarder;
  private final ObjectMapper json;

  PredictEndpoint(
      PredictionService service, KeyOwnerLocator locator, RequestForwarder forwarder,
      ObjectMapper json) {
    this.service = Objects.requireNonNull(service, "service");
    this.locator = Objects.requireNonNull(locator, "locator");
    this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * Answers one request.
   *
   * @param rawQuery the undecoded query string (forwarded as is)
   * @param forwardedBy the loop-guard header's value, or null if this request was not forwarded
   */
  HttpAnswer answer(String rawQuery, String forwardedBy) throws JsonProcessingException {
    PredictQuery query = PredictQuery.parse(QueryParameters.parse(rawQuery));
    String user = query.example().user();
    KeyOwner owner = locator.locate(user);
    if (owner instanceof KeyOwner.Unknown unknown) {
      throw new HttpFailure(
          503, "owner_unknown",
          "cannot tell which instance owns user '" + user + "': " + unknown.reason(),
          Map.of("retry_after_seconds", 1));
    }
    if (owner instanceof KeyOwner.Remote remote) {
      if (forwardedBy != null) {
        throw new HttpFailure(
            421, "not_owner",
            "user '" + user + "' is owned by " + remote.address()
                + "; not forwarding again (request already forwarded by " + forwardedBy + ")",
            Map.of("owner", remote.address()));
      }
      return forwarder.forward(remote, TandemHttpServer.PREDICT_PATH, rawQuery);
    }
    return scoreLocally(query);
  }

  private HttpAnswer scoreLocally(PredictQuery query) throws JsonProcessingException {
    String user = query.example().user();
    Optional<ServingModel> found = service.modelFor(user);
    if (found.isEmpty()) {
      throw new HttpFailure(
          503, "model_not_ready",
          "this instance owns user '" + user + "' but has no model for it yet (starting or restoring)",
          Map.of("retry_after_seconds", 1));
    }
    ServingModel model = found.get();
    List<String> wanted = query.tasks().isEmpty() ? taskNames(model) : checked(query.tasks(), model);
    Scores scores = model.predict(query.example());
    Map<String, Double> selected = new LinkedHashMap<>();
    for (String task : wanted) {
      Double score = scores.byTask().get(task);
      if (score == null) {
        throw new IllegalStateException(
            "model " + model.id() + " returned no score for its own task '" + task + "'");
      }
      selected.put(task, score);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("user", user);
    body.put("item", query.example().item());
    body.put("scores", selected);
    body.put("model_version", scores.modelVersion());
    return HttpAnswer.json(200, json.writeValueAsBytes(body));
  }

  private static List<String> taskNames(ServingModel model) {
    List<String> names = new ArrayList<>();
    for (TaskSpec task : model.tasks()) {
      names.add(task.name());
    }
    return names;
  }

  private static List<String> checked(List<String> requested, ServingModel model) {
    List<String> known = taskNames(model);
    for (String task : requested) {
      if (!known.contains(task)) {
        throw HttpFailure.invalidParameter(
            PredictQuery.TASK,
            "unknown task '" + task + "'; known tasks: " + String.join(", ", known));
      }
    }
    return requested;
  }
}
