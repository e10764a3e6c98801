package io.tandem.schemas;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;

/**
 * Reads one record of type {@code T} from a token stream, for {@link StreamingFastPath}. Call order: the parser
 * is fresh (before the root value); the reader consumes the root value and returns; the caller then checks that
 * no token follows.
 *
 * <p>Contract: return a record only when the tokens read form a value the type's JSON Schema accepts and that the
 * tree path binds to an equal record; return {@code null} whenever unsure. Never return a partially read record,
 * and never report a problem any other way than {@code null} or an exception, which the caller also treats as
 * "unsure". Implementations must be stateless and thread-safe.
 *
 * @param <T> the record type
 */
@FunctionalInterface
interface StreamingReader<T> {
  /**
   * @param parser a parser before the root value, not null
   * @return the record, or null when the tree path must decide
   * @throws JacksonException on malformed input (the caller falls back to the tree path)
   */
  T readOrNull(JsonParser parser);
}
