package io.tandem.streams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tandem's HTTP query server (JDK {@code com.sun.net.httpserver}, no extra dependency).
 *
 * <p>Endpoints (GET only; any other method is 405 with {@code Allow: GET}; any other path 404):
 * <ul>
 *   <li>{@code /predict?user=U&item=I[&task=T[,T2]...][&ctx.FIELD=V...]} — scores from the model
 *       that owns the user (see {@link PredictQuery} for the parameters, {@link PredictEndpoint}
 *       for the answers); a user owned by another instance is forwarded there once;
 *   <li>{@code /model} — version, tasks, loss weights, table sizes (see {@link ModelEndpoint});
 *   <li>{@code /metrics} — Prometheus text exposition of the given registry (404 if none given);
 *   <li>{@code /health} — {@code {"status":"up","models":N}}.
 * </ul>
 * Every error body is {@code {"error": code, "reason": text, ...}}; an unexpected exception is
 * logged and answered 500 without its stack trace.
 *
 * <p>Lifecycle: {@link #start} binds and serves; {@link #close} stops. Thread-safe: requests are
 * handled concurrently on a fixed pool of {@link HttpSettings#threads()} daemon threads.
 */
public final class TandemHttpServer implements AutoCloseable {

  /** Path of the prediction endpoint. */
  public static final String PREDICT_PATH = "/predict";
  /** Path of the model description endpoint. */
  public static final String MODEL_PATH = "/model";
  /** Path of the Prometheus scrape endpoint. */
  public static final String METRICS_PATH = "/metrics";
  /** Path of the liveness endpoint. */
  public static final String HEALTH_PATH = "/health";

  private static final Logger LOG = LoggerFactory.getLogger(TandemHttpServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
  private static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

  static {
    // The JDK server flushes the headers and the body as two TCP segments; with Nagle's algorithm
    // on (its default) the body then waits for the client's delayed ACK: measured here, a /predict
    // round trip took 44 ms at p50 with it and 0.7 ms without. The JDK reads this property once,
    // when its first server is created, so it is set here unless the user chose a value.
    if (System.getProperty(NO_DELAY_PROPERTY) == null) {
      System.setProperty(NO_DELAY_PROPERTY, "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final PredictionService service;
  private final PrometheusMeterRegistry metrics;
  private final PredictEndpoint predict;
  private final ModelEndpoint model;
  private final ObjectMapper json = new ObjectMapper();

  private TandemHttpServer(
      HttpServer server, ExecutorService executor, PredictionService service,
      KeyOwnerLocator locator, PrometheusMeterRegistry metrics) {
    this.server = server;
    this.executor = executor;
    this.service = service;
    this.metrics = metrics;
    String self = address(server.getAddress());
    this.predict =
        new PredictEndpoint(service, locator, new RequestForwarder(self, FORWARD_TIMEOUT), json);
    this.model = new ModelEndpoint(service, json);
  }

  /**
   * Binds to {@code settings.bind():settings.port()} and starts serving.
   *
   * @param settings address, port (0 = any free port) and thread count; not null
   * @param service the local models; not null
   * @param locator which instance owns a user's key; not null ({@link KeyOwnerLocator#localOnly()}
   *     for a single instance)
   * @param metrics the registry {@code /metrics} exposes, or null to answer 404 there
   * @return the running server
   * @throws IOException if the address cannot be bound (message names http.bind/http.port)
   */
  public static TandemHttpServer start(
      HttpSettings settings, PredictionService service, KeyOwnerLocator locator,
      PrometheusMeterRegistry metrics) throws IOException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(locator, "locator");
    HttpServer server;
    try {
      server =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port()), 0);
    } catch (IOException e) {
      throw new IOException(
          "cannot bind the HTTP server to " + settings.bind() + ":" + settings.port()
              + " (http.bind / http.port): " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(settings.threads(), daemonThreads());
    TandemHttpServer tandem = new TandemHttpServer(server, executor, service, locator, metrics);
    server.createContext("/", tandem::handle);
    server.setExecutor(executor);
    server.start();
    LOG.info("HTTP server listening on http://{}", address(server.getAddress()));
    return tandem;
  }

  /** The bound port (the chosen one when started with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The bound address as {@code host:port}. */
  public String address() {
    return address(server.getAddress());
  }

  /** Stops accepting requests, lets running ones finish for up to a second, and stops the pool. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      HttpAnswer answer;
      try {
        answer = route(exchange);
      } catch (HttpFailure failure) {
        answer = errorAnswer(failure);
      } catch (RuntimeException | JsonProcessingException e) {
        LOG.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        answer =
            errorAnswer(new HttpFailure(500, "internal", "internal error; see the server log"));
      }
      write(exchange, answer);
    } catch (IOException e) {
      LOG.debug("HTTP client went away before the answer was sent: {}", e.toString());
    }
  }

  private HttpAnswer route(HttpExchange exchange) throws JsonProcessingException {
    String path = exchange.getRequestURI().getPath();
    boolean known =
        PREDICT_PATH.equals(path) || MODEL_PATH.equals(path) || METRICS_PATH.equals(path)
            || HEALTH_PATH.equals(path);
    if (!known) {
      throw new HttpFailure(
          404, "not_found",
          "no endpoint at '" + path + "'; endpoints: /predict, /model, /metrics, /health");
    }
    if (!"GET".equals(exchange.getRequestMethod())) {
      throw new HttpFailure(
          405, "method_not_allowed",
          exchange.getRequestMethod() + " is not allowed on " + path + "; use GET");
    }
    switch (path) {
      case PREDICT_PATH:
        return predict.answer(
            exchange.getRequestURI().getRawQuery(),
            exchange.getRequestHeaders().getFirst(RequestForwarder.FORWARDED_BY_HEADER));
      case MODEL_PATH:
        return model.answer();
      case METRICS_PATH:
        return scrape();
      default:
        return health();
    }
  }

  private HttpAnswer scrape() {
    if (metrics == null) {
      throw new HttpFailure(404, "metrics_disabled", "no metrics registry is configured");
    }
    return HttpAnswer.text(200, PROMETHEUS_TEXT, metrics.scrape());
  }

  private HttpAnswer health() throws JsonProcessingException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "up");
    body.put("models", service.all().size());
    return HttpAnswer.json(200, json.writeValueAsBytes(body));
  }

  private HttpAnswer errorAnswer(HttpFailure failure) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", failure.error());
    body.put("reason", failure.reason());
    body.putAll(failure.details());
    Map<String, String> headers = new LinkedHashMap<>();
    if (failure.status() == 405) {
      headers.put("Allow", "GET");
    }
    if (failure.status() == 503) {
      headers.put("Retry-After", "1");
    }
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      bytes =
          "{\"error\":\"internal\",\"reason\":\"could not encode the error\"}"
              .getBytes(StandardCharsets.UTF_8);
    }
    return new HttpAnswer(failure.status(), HttpAnswer.JSON, bytes, headers);
  }

  private static void write(HttpExchange exchange, HttpAnswer answer) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    if (answer.body().length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    }
  }

  private static String address(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "tandem-http-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
