package io.tandem.schemas;

import java.util.Locale;

/** Why a record was rejected, in decoding order. A bounded set: safe as a metric tag and a header value. */
public enum RejectionReason {
  /** Larger than the codec's maximum record size. */
  TOO_LARGE,
  /** Not valid UTF-8. */
  NOT_UTF8,
  /** Not one JSON value: syntax error, duplicate key, trailing garbage, NaN/Infinity literal. */
  MALFORMED_JSON,
  /** Valid JSON that violates the type's JSON Schema. */
  SCHEMA_VIOLATION,
  /** Names a task that is not declared. */
  UNKNOWN_TASK,
  /** A label outside its task's type and range. */
  LABEL_OUT_OF_RANGE;

  /** @return the lower snake case code, e.g. {@code "not_utf8"} */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @return the reason whose {@link #code()} is {@code code}
   * @throws IllegalArgumentException for an unknown code
   */
  public static RejectionReason fromCode(String code) {
    for (RejectionReason r : values()) {
      if (r.code().equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException("reason code: unknown, got '" + code + "'");
  }
}
