package io.tandem.schemas;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validating JSON codec for one record type. Decoding checks, in order and stopping at the first failure:
 * <ol>
 *   <li>size: more than {@code maxRecordBytes} bytes is {@link RejectionReason#TOO_LARGE};</li>
 *   <li>strict UTF-8 (malformed or unmappable input is reported, not replaced): {@link RejectionReason#NOT_UTF8};</li>
 *   <li>exactly one JSON value, no duplicate keys, no trailing tokens, no NaN/Infinity literals (they are not
 *       JSON): {@link RejectionReason#MALFORMED_JSON};</li>
 *   <li>the type's pre-compiled JSON Schema (draft 2020-12; records whose shape plainly conforms, see
 *       {@link ConformingShapes}, skip the general validator), then the record's own invariants (e.g. numbers that
 *       overflow to infinity or past a long; a value on which the validator itself fails, such as a float
 *       timestamp beyond a long): {@link RejectionReason#SCHEMA_VIOLATION};</li>
 *   <li>semantic checks against the declared tasks, where the type has them
 *       ({@link RejectionReason#UNKNOWN_TASK}, {@link RejectionReason#LABEL_OUT_OF_RANGE}).</li>
 * </ol>
 * Unknown extra fields are accepted and ignored (not preserved on re-encoding).
 *
 * <p>Labelled events and prediction requests first try a streaming fast path ({@link StreamingFastPath}): one pass
 * of Jackson's token parser that builds the plainly valid record without a JSON tree or the validator. It gives
 * up on anything else, and the steps above then run on the same bytes, so the results (values, reasons and
 * messages) are those of the steps above in every case; only the speed differs. {@link #withoutFastPath()} gives
 * the same codec without it.
 *
 * <p>Instances are immutable and thread-safe; build them with {@link Codecs}.
 *
 * @param <T> the record type
 */
public final class JsonCodec<T> {
  /** Default maximum record size in bytes (64 KiB). */
  public static final int DEFAULT_MAX_RECORD_BYTES = 65_536;

  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final String typeName;
  private final Schema schema;
  private final int maxRecordBytes;
  private final Predicate<JsonNode> certainlyConforms;
  private final Function<JsonNode, T> binder;
  private final Function<T, Rejection> semantics;
  private final Function<T, JsonNode> writer;
  /** The streaming fast path, or null to decode through the tree and validator only. */
  private final StreamingFastPath<T> fastPath;

  /**
   * @param certainlyConforms a sound shortcut: true only for trees that satisfy {@code schema} (they skip the
   *                          general validator); false means "run the validator"
   */
  JsonCodec(String typeName, Schema schema, int maxRecordBytes, Predicate<JsonNode> certainlyConforms,
      Function<JsonNode, T> binder, Function<T, Rejection> semantics, Function<T, JsonNode> writer) {
    this(typeName, schema, maxRecordBytes, certainlyConforms, binder, semantics, writer, null);
  }

  /**
   * @param certainlyConforms a sound shortcut, as above
   * @param fastReader        reads the plainly valid record straight from the tokens (see {@link StreamingReader});
   *                          null for none
   */
  JsonCodec(String typeName, Schema schema, int maxRecordBytes, Predicate<JsonNode> certainlyConforms,
      Function<JsonNode, T> binder, Function<T, Rejection> semantics, Function<T, JsonNode> writer,
      StreamingReader<T> fastReader) {
    if (maxRecordBytes <= 0) {
      throw new IllegalArgumentException("maxRecordBytes: must be > 0, got " + maxRecordBytes);
    }
    this.typeName = Objects.requireNonNull(typeName);
    this.schema = Objects.requireNonNull(schema);
    this.maxRecordBytes = maxRecordBytes;
    this.certainlyConforms = Objects.requireNonNull(certainlyConforms);
    this.binder = Objects.requireNonNull(binder);
    this.semantics = Objects.requireNonNull(semantics);
    this.writer = Objects.requireNonNull(writer);
    this.fastPath = fastReader == null ? null : new StreamingFastPath<>(MAPPER.tokenStreamFactory(), fastReader);
  }

  private JsonCodec(JsonCodec<T> codec, StreamingFastPath<T> fastPath) {
    this.typeName = codec.typeName;
    this.schema = codec.schema;
    this.maxRecordBytes = codec.maxRecordBytes;
    this.certainlyConforms = codec.certainlyConforms;
    this.binder = codec.binder;
    this.semantics = codec.semantics;
    this.writer = codec.writer;
    this.fastPath = fastPath;
  }

  /**
   * The same codec without the streaming fast path: every record is parsed into a tree and checked as the class
   * comment lists. Decodes to the same values and rejections as this codec, more slowly; it is the reference that
   * tests and benchmarks compare the fast path with.
   *
   * @return a codec that never uses the fast path (this codec if it has none)
   */
  public JsonCodec<T> withoutFastPath() {
    return fastPath == null ? this : new JsonCodec<>(this, null);
  }

  /** @return the maximum accepted record size in bytes */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  /**
   * Decodes and validates one record. Never throws on bad input.
   *
   * @param bytes the record value, not null
   * @return {@link Decoded.Valid} with the value, or {@link Decoded.Invalid} with the first rejection
   */
  public Decoded<T> decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > maxRecordBytes) {
      return invalid(RejectionReason.TOO_LARGE, "record: must be at most " + maxRecordBytes
          + " bytes, got " + bytes.length);
    }
    if (fastPath != null) {
      T fast = fastPath.decodeOrNull(bytes);
      if (fast != null) {
        return checked(fast);
      }
    }
    String text;
    try {
      text = StrictUtf8.decode(bytes);
    } catch (CharacterCodingException e) {
      return invalid(RejectionReason.NOT_UTF8, "record: must be UTF-8, " + e.getMessage());
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JacksonException e) {
      return invalid(RejectionReason.MALFORMED_JSON, "record: must be one JSON value, "
          + e.getOriginalMessage() + locationOf(e));
    }
    if (node == null || node.isMissingNode()) {
      return invalid(RejectionReason.MALFORMED_JSON, "record: must be one JSON value, got empty input");
    }
    if (!certainlyConforms.test(node)) {
      List<Error> errors;
      try {
        errors = schema.validate(node);
      } catch (RuntimeException e) {
        // the validator converts some numbers unguarded, e.g. a float beyond a long against "minimum"
        return invalid(RejectionReason.SCHEMA_VIOLATION, "record: cannot be checked against the "
            + typeName + " schema, " + abbreviate(String.valueOf(e.getMessage())));
      }
      if (!errors.isEmpty()) {
        return invalid(RejectionReason.SCHEMA_VIOLATION, describe(errors.get(0)));
      }
    }
    T value;
    try {
      value = binder.apply(node);
    } catch (IllegalArgumentException | NullPointerException e) {
      return invalid(RejectionReason.SCHEMA_VIOLATION, e.getMessage());
    }
    return checked(value);
  }

  /** The semantic checks of a schema-valid value. */
  private Decoded<T> checked(T value) {
    Rejection rejection = semantics.apply(value);
    return rejection == null ? new Decoded.Valid<>(value) : new Decoded.Invalid<>(rejection);
  }

  /**
   * Encodes a valid record as compact UTF-8 JSON. Never fails for a constructed record (records validate on
   * construction).
   */
  public byte[] encode(T value) {
    Objects.requireNonNull(value, typeName);
    return MAPPER.writeValueAsBytes(writer.apply(value));
  }

  /**
   * A Kafka serde over this codec. The deserializer returns null for a null value (tombstone) and throws
   * {@link InvalidRecordException} for invalid input; the serializer returns null for null.
   */
  public Serde<T> serde() {
    Serializer<T> serializer = (topic, value) -> value == null ? null : encode(value);
    Deserializer<T> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      Decoded<T> decoded = decode(bytes);
      if (decoded instanceof Decoded.Invalid<T> invalid) {
        throw new InvalidRecordException(invalid.rejection());
      }
      return ((Decoded.Valid<T>) decoded).value();
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }

  @Override
  public String toString() {
    return "JsonCodec[" + typeName + ", maxRecordBytes=" + maxRecordBytes
        + (fastPath == null ? "" : ", streaming fast path") + "]";
  }

  private Decoded<T> invalid(RejectionReason reason, String message) {
    return new Decoded.Invalid<>(new Rejection(reason, message));
  }

  private static String locationOf(JacksonException e) {
    return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
        + ", column " + e.getLocation().getColumnNr();
  }

  /** Turns a validator error into "path: message [keyword], got value". */
  static String describe(Error error) {
    String path = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
    String field = fieldPath(path);
    String message = error.getMessage();
    if (message != null && message.startsWith(path + ": ")) {
      message = message.substring(path.length() + 2);
    }
    String value = error.getInstanceNode() == null ? "(absent)" : abbreviate(error.getInstanceNode().toString());
    return field + ": " + message + " [" + error.getKeyword() + "], got " + value;
  }

  /** Turns a JSON pointer such as {@code /tasks/1} or {@code $.tasks[1]} into {@code tasks[1]}. */
  static String fieldPath(String pointer) {
    String p = pointer.startsWith("$") ? pointer.substring(1).replace('.', '/').replace("[", "/").replace("]", "")
        : pointer;
    StringBuilder out = new StringBuilder();
    for (String segment : p.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.chars().allMatch(Character::isDigit)) {
        out.append('[').append(segment).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(segment.replace("~1", "/").replace("~0", "~"));
      }
    }
    return out.length() == 0 ? "record" : out.toString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
