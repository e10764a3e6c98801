package io.tandem.streams.replay;

/**
 * An input line that was not a valid labelled event.
 *
 * @param line 1-based line number in the input file
 * @param reason a short machine-readable code (the contract's rejection reason code, or
 *     {@code oversized})
 * @param message what is wrong and where (field path, rule, value)
 */
public record RejectedLine(long line, String reason, String message) {

  /** Validates: line at least 1, reason and message non-null. */
  public RejectedLine {
    if (line < 1) {
      throw new IllegalArgumentException("line: must be >= 1, got " + line);
    }
    if (reason == null || message == null) {
      throw new IllegalArgumentException("reason and message: must be non-null");
    }
  }

  /** {@code line N: message}. */
  @Override
  public String toString() {
    return "line " + line + ": " + message;
  }
}
