package io.tandem.streams.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Forwards a query to the instance that owns the key, once, and relays its answer unchanged
 * (status, content type, body), adding {@value #SERVED_BY_HEADER}.
 *
 * <p>Loop guard: a forwarded request carries {@value #FORWARDED_BY_HEADER} (the forwarder's
 * address); an instance never forwards a request that already carries it (see
 * {@link TandemHttpServer}), so stale or inconsistent key metadata costs at most one hop.
 *
 * <p>Thread-safe ({@link HttpClient} is).
 */
final class RequestForwarder {

  static final String FORWARDED_BY_HEADER = "X-Tandem-Forwarded-By";
  static final String SERVED_BY_HEADER = "X-Tandem-Served-By";

  private final HttpClient client;
  private final String self;
  private final Duration timeout;

  RequestForwarder(String self, Duration timeout) {
    this.self = Objects.requireNonNull(self, "self");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * Sends {@code GET path?rawQuery} to {@code owner} and returns its answer.
   *
   * @throws HttpFailure 502 if the owner cannot be reached or times out, 503 if interrupted
   */
  HttpAnswer forward(KeyOwner.Remote owner, String path, String rawQuery) {
    String host = owner.host().indexOf(':') >= 0 ? "[" + owner.host() + "]" : owner.host();
    String query = rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery;
    URI target = URI.create("http://" + host + ":" + owner.port() + path + query);
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .GET()
            .timeout(timeout)
            .header(FORWARDED_BY_HEADER, self)
            .header("Accept", HttpAnswer.JSON)
            .build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new HttpFailure(
          502, "owner_unreachable",
          "the instance owning this user (" + owner.address() + ") did not answer: " + e,
          Map.of("owner", owner.address()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpFailure(503, "interrupted", "the server is shutting down");
    }
    String contentType =
        response.headers().firstValue("Content-Type").orElse("application/octet-stream");
    return new HttpAnswer(
        response.statusCode(), contentType, response.body(),
        Map.of(SERVED_BY_HEADER, owner.address()));
  }
}
