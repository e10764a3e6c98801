package io.tandem.streams.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that ends in an error answer: status, a stable error code, a human-readable reason and
 * optional extra JSON fields (e.g. {@code parameter}, {@code owner}). Thrown by handlers, turned
 * into a JSON body by the server. Carries no stack trace: it is control flow, not a bug.
 */
final class HttpFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final transient Map<String, Object> details;

  HttpFailure(int status, String error, String reason, Map<String, Object> details) {
    super(reason, null, false, false);
    this.status = status;
    this.error = error;
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  HttpFailure(int status, String error, String reason) {
    this(status, error, reason, Map.of());
  }

  /** 400 for a missing parameter, naming it. */
  static HttpFailure missingParameter(String name) {
    return new HttpFailure(
        400, "missing_parameter", name + ": required query parameter is missing",
        Map.of("parameter", name));
  }

  /** 400 for an invalid parameter value, naming the parameter. */
  static HttpFailure invalidParameter(String name, String reason) {
    return new HttpFailure(400, "invalid_parameter", name + ": " + reason, Map.of("parameter", name));
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }

  String reason() {
    return getMessage();
  }

  Map<String, Object> details() {
    return details;
  }
}
