package io.tandem.streams.http;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link KeyOwnerLocator} whose target is bound after the HTTP server has started.
 *
 * <p>Why: Kafka Streams must be configured with {@code application.server} — this instance's HTTP
 * address — before it is created, and with {@code http.port=0} that address is known only once the
 * server has bound; but the server needs a locator, which needs the Kafka Streams instance. So:
 * <pre>{@code
 * DeferredKeyOwnerLocator locator = new DeferredKeyOwnerLocator();
 * TandemHttpServer http = TandemHttpServer.start(settings, models, locator, registry);
 * props.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, http.address());
 * KafkaStreams streams = new KafkaStreams(topology, props);
 * locator.bind(new KafkaStreamsKeyOwnerLocator(streams, storeName,
 *     HostInfo.buildFromEndpoint(props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG))));
 * streams.start();
 * }</pre>
 * Until {@link #bind} every key's owner is {@link KeyOwner.Unknown} ("instance starting"), which the
 * server answers with 503 and {@code Retry-After}.
 *
 * <p>Thread-safe.
 */
public final class DeferredKeyOwnerLocator implements KeyOwnerLocator {

  private final AtomicReference<KeyOwnerLocator> target = new AtomicReference<>();

  /**
   * Sets the locator that answers from now on.
   *
   * @throws IllegalStateException if already bound
   */
  public void bind(KeyOwnerLocator locator) {
    Objects.requireNonNull(locator, "locator");
    if (!target.compareAndSet(null, locator)) {
      throw new IllegalStateException("bind: this locator is already bound");
    }
  }

  @Override
  public KeyOwner locate(String user) {
    KeyOwnerLocator bound = target.get();
    return bound == null ? new KeyOwner.Unknown("instance starting") : bound.locate(user);
  }
}
