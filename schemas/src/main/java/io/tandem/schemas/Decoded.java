package io.tandem.schemas;

import java.util.Objects;

/**
 * The outcome of decoding one record: a valid value or a rejection.
 *
 * @param <T> the record type
 */
public sealed interface Decoded<T> {
  /** A decoded, valid value. @param value never null */
  record Valid<T>(T value) implements Decoded<T> {
    /** Requires a value. */
    public Valid {
      Objects.requireNonNull(value, "value");
    }
  }

  /** A rejected record. @param rejection never null */
  record Invalid<T>(Rejection rejection) implements Decoded<T> {
    /** Requires a rejection. */
    public Invalid {
      Objects.requireNonNull(rejection, "rejection");
    }
  }
}
