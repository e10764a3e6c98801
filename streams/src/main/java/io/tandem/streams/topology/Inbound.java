package io.tandem.streams.topology;

import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.PredictionRequest;
import java.util.Objects;

/**
 * A decoded input record on its way through the topology: a valid event, a valid request, or a
 * rejected record carrying its original key and value for the dead-letter topic.
 *
 * <p>{@code keyedByUser} on a valid record says whether its Kafka key already was its user id
 * (UTF-8), i.e. whether it already sits in its user's partition; if not, the topology sends it
 * through a repartition topic first.
 */
sealed interface Inbound {

  /** Whether the record arrived keyed by its user (false for a rejected record). */
  boolean keyedByUser();

  /** A validated labelled event. */
  record Event(LabelledEvent event, boolean keyedByUser) implements Inbound {
    public Event {
      Objects.requireNonNull(event, "event");
    }
  }

  /** A validated prediction request. */
  record Request(PredictionRequest request, boolean keyedByUser) implements Inbound {
    public Request {
      Objects.requireNonNull(request, "request");
    }
  }

  /**
   * A record that failed validation; the dead-letter headers travel on the Kafka record. Only
   * carried, never compared: its equality is that of the array references.
   *
   * @param key the original key bytes (may be null)
   * @param value the original value bytes (may be null)
   */
  record Rejected(byte[] key, byte[] value) implements Inbound {
    @Override
    public boolean keyedByUser() {
      return false;
    }
  }

  /** The user a valid record belongs to. */
  static String userOf(Inbound inbound) {
    if (inbound instanceof Event e) {
      return e.event().user();
    }
    if (inbound instanceof Request r) {
      return r.request().user();
    }
    throw new IllegalStateException("a rejected record has no user");
  }
}
