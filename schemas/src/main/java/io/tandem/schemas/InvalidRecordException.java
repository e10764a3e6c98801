package io.tandem.schemas;

import org.apache.kafka.common.errors.SerializationException;

/** Thrown by a {@link JsonCodec#serde()} deserializer for invalid input; carries the {@link Rejection}. */
public final class InvalidRecordException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final transient Rejection rejection;

  /** @param rejection why the record was rejected, not null */
  public InvalidRecordException(Rejection rejection) {
    super(rejection.reason().code() + ": " + rejection.message());
    this.rejection = rejection;
  }

  /** @return why the record was rejected */
  public Rejection rejection() {
    return rejection;
  }
}
