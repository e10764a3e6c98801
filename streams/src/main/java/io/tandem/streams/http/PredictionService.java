package io.tandem.streams.http;

import java.util.List;
import java.util.Optional;

/**
 * The models this instance holds, as the HTTP server sees them.
 *
 * <p>In Kafka Streams each stream task (input partition) has its own model; a user's key lives in
 * exactly one partition, so exactly one model — on one instance — serves that user. Which instance
 * that is, is decided by a {@link KeyOwnerLocator}; this interface only answers for the local ones.
 *
 * <p>Thread-safety: implementations must be safe for concurrent calls from HTTP threads while stream
 * threads create, update and close models.
 */
public interface PredictionService {

  /**
   * The local model that serves {@code user}.
   *
   * @param user a user id; not null
   * @return the model, or empty if this instance holds no model for the user's partition (not yet
   *     restored, or not owned here)
   */
  Optional<ServingModel> modelFor(String user);

  /** Every model this instance holds right now (empty while none is ready); a snapshot list. */
  List<ServingModel> all();
}
