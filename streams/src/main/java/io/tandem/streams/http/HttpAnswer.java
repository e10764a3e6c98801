package io.tandem.streams.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A complete HTTP response, built before anything is written.
 *
 * @param status HTTP status code
 * @param contentType value of the Content-Type header
 * @param body response body (not copied; never modified after construction)
 * @param headers extra response headers
 */
record HttpAnswer(int status, String contentType, byte[] body, Map<String, String> headers) {

  static final String JSON = "application/json; charset=utf-8";

  HttpAnswer {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  static HttpAnswer json(int status, byte[] body) {
    return new HttpAnswer(status, JSON, body, Map.of());
  }

  static HttpAnswer text(int status, String contentType, String body) {
    return new HttpAnswer(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
