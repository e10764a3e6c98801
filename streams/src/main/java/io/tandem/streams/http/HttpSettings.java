package io.tandem.streams.http;

/**
 * Where and how the HTTP server listens.
 *
 * @param bind address to bind (config {@code http.bind}, default {@code 127.0.0.1}); non-empty
 * @param port TCP port (config {@code http.port}); 0 picks a free port, see
 *     {@link TandemHttpServer#port()}
 * @param threads request-handling threads; at least 1
 */
public record HttpSettings(String bind, int port, int threads) {

  /** Handler threads used by {@link #of(String, int)}. */
  public static final int DEFAULT_THREADS = 4;

  /** Validates every component, naming the bad one. */
  public HttpSettings {
    if (bind == null || bind.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid value '" + bind + "' for configuration http.bind: must be a non-empty address");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "Invalid value " + port + " for configuration http.port: must be in 0..65535");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads: must be >= 1, got " + threads);
    }
  }

  /** Settings with {@link #DEFAULT_THREADS} handler threads. */
  public static HttpSettings of(String bind, int port) {
    return new HttpSettings(bind, port, DEFAULT_THREADS);
  }
}
