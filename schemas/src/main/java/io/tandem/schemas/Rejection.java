package io.tandem.schemas;

import java.util.Objects;

/**
 * Why one record was rejected.
 *
 * @param reason  the bounded reason
 * @param message what and where: field path, rule and value, e.g.
 *                {@code label: must be 0 or 1 for binary task 'ctr', got 3}
 */
public record Rejection(RejectionReason reason, String message) {
  /** Requires both fields non-null. */
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
