package io.tandem.streams.http;

import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * A {@link KeyOwnerLocator} backed by Kafka Streams' key metadata
 * ({@link KafkaStreams#queryMetadataForKey(String, Object, Serializer)}).
 *
 * <p>Requirements: every instance sets Kafka Streams' {@code application.server} to the
 * {@code host:port} its HTTP server is reachable at (that is how instances learn each other's
 * addresses), and this locator is given the same value as {@code self}. Users are keyed by their
 * id serialized as UTF-8 with the default partitioner, as Tandem's input topics are.
 *
 * <p>Results: the active host equal to {@code self} is {@link KeyOwner.Local}; another active host
 * is {@link KeyOwner.Remote}; {@link KeyQueryMetadata#NOT_AVAILABLE} (rebalancing, not started, no
 * {@code application.server}) or an exception from Kafka Streams is {@link KeyOwner.Unknown} with
 * the reason. Standby hosts are not used: they hold a possibly stale model.
 *
 * <p>Thread-safe: {@code queryMetadataForKey} may be called from any thread.
 */
public final class KafkaStreamsKeyOwnerLocator implements KeyOwnerLocator {

  private final Function<String, KeyQueryMetadata> metadata;
  private final HostInfo self;

  /**
   * Creates a locator.
   *
   * @param streams the running application; not null
   * @param storeName a state store keyed by user (e.g. the model's user-embedding store); not null
   * @param self this instance's {@code application.server} value; not null
   */
  public KafkaStreamsKeyOwnerLocator(KafkaStreams streams, String storeName, HostInfo self) {
    this(metadataOf(streams, storeName), self);
  }

  /** For tests: the key metadata comes from {@code metadata} instead of a running application. */
  KafkaStreamsKeyOwnerLocator(Function<String, KeyQueryMetadata> metadata, HostInfo self) {
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.self = Objects.requireNonNull(self, "self");
  }

  private static Function<String, KeyQueryMetadata> metadataOf(
      KafkaStreams streams, String storeName) {
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(storeName, "storeName");
    Serializer<String> keySerializer = Serdes.String().serializer();
    return user -> streams.queryMetadataForKey(storeName, user, keySerializer);
  }

  @Override
  public KeyOwner locate(String user) {
    Objects.requireNonNull(user, "user");
    KeyQueryMetadata found;
    try {
      found = metadata.apply(user);
    } catch (KafkaException | IllegalStateException e) {
      return new KeyOwner.Unknown("key metadata unavailable: " + e.getMessage());
    }
    if (found == null || KeyQueryMetadata.NOT_AVAILABLE.equals(found)) {
      return new KeyOwner.Unknown(
          "key metadata unavailable (instance starting or rebalancing, or application.server unset)");
    }
    HostInfo active = found.activeHost();
    if (active == null || active.port() <= 0 || active.host() == null || active.host().isEmpty()) {
      return new KeyOwner.Unknown("no active host for partition " + found.partition());
    }
    if (active.equals(self)) {
      return KeyOwner.LOCAL;
    }
    return new KeyOwner.Remote(active.host(), active.port());
  }
}
