package io.tandem.schemas;

import java.nio.charset.CharacterCodingException;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;

/**
 * The streaming fast path of {@link JsonCodec#decode}: one pass of Jackson's token parser that builds the record
 * directly, without a JSON tree, the shape check or the schema validator.
 *
 * <p>It answers only when it is certain: {@link #decodeOrNull} returns a value only for input that is strict UTF-8,
 * exactly one JSON object with nothing after it, and accepted by a {@link StreamingReader} (which, for the record
 * types that have one, accepts only records the type's schema and constructor accept). Every other input — a
 * syntax error, a character it does not expect, an unknown field, a wrong type, a duplicate key, a number that
 * needs care — yields {@code null}, and the codec decodes the bytes again through the tree and validator path,
 * which produces the value or the exact rejection it always produced. So the fast path may decline valid input but
 * must never return a value that differs from the tree path's ({@code StreamingFastPathTest} checks both on
 * generated and mutated records).
 *
 * <p>Input handling. Bytes that are all printable ASCII or JSON whitespace (the common case) are parsed as bytes:
 * they are valid UTF-8 and cannot hold a byte-order mark or the zero bytes of UTF-16/32 that Jackson's byte
 * parser would detect as another encoding, so it reads them exactly as the tree path's character parser reads
 * their decoded text. Other control bytes are never valid JSON and go to the tree path. Input with non-ASCII bytes
 * is first decoded strictly, as the tree path decodes it (malformed UTF-8 goes to the tree path, which rejects
 * it), and the text is parsed. The parser does not detect duplicate keys: the readers do, for the fields they
 * accept.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the record type
 */
final class StreamingFastPath<T> {
  /** Printable ASCII and JSON whitespace only. */
  private static final int ASCII = 0;
  /** Contains a byte >= 0x80 (or DEL, which JSON allows in strings). */
  private static final int NON_ASCII = 1;
  /** Contains a control byte other than tab, line feed and carriage return: never valid JSON. */
  private static final int OTHER_CONTROL = 2;

  private final TokenStreamFactory factory;
  private final StreamingReader<T> reader;

  /**
   * @param factory the token stream factory of the tree path's mapper (same number and length constraints)
   * @param reader  reads one record from a parser positioned before the root value
   */
  StreamingFastPath(TokenStreamFactory factory, StreamingReader<T> reader) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  /**
   * Reads a record from one record's bytes (already checked against the size limit).
   *
   * @param bytes the record value, not null
   * @return the record, or null when the tree path must decide
   */
  T decodeOrNull(byte[] bytes) {
    int kind = classify(bytes);
    if (kind == OTHER_CONTROL) {
      return null;
    }
    try (JsonParser parser = kind == ASCII ? factory.createParser(ObjectReadContext.empty(), bytes)
        : textParser(bytes)) {
      if (parser == null) {
        return null;
      }
      T value = reader.readOrNull(parser);
      return value != null && parser.nextToken() == null ? value : null;
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }

  private static int classify(byte[] bytes) {
    int kind = ASCII;
    for (byte b : bytes) {
      if (b < 0 || b == 0x7f) {
        kind = NON_ASCII;
      } else if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
        return OTHER_CONTROL;
      }
    }
    return kind;
  }

  /** A parser over the strictly decoded text, or null for input that is not strict UTF-8. */
  private JsonParser textParser(byte[] bytes) {
    String text;
    try {
      text = StrictUtf8.decode(bytes);
    } catch (CharacterCodingException e) {
      return null;
    }
    return factory.createParser(ObjectReadContext.empty(), text);
  }
}
