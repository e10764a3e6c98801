package io.tandem.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class KafkaStreamsKeyOwnerLocatorTest {

  private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
  private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8081);

  @Test
  void shouldSayLocalWhenThisInstanceIsTheActiveHost() {
    KeyOwnerLocator locator =
        new KafkaStreamsKeyOwnerLocator(user -> new KeyQueryMetadata(SELF, Set.of(OTHER), 3), SELF);

    assertThat(locator.locate("u1")).isEqualTo(KeyOwner.LOCAL);
  }

  @Test
  void shouldNameTheRemoteActiveHostAndIgnoreStandbys() {
    KeyOwnerLocator locator =
        new KafkaStreamsKeyOwnerLocator(user -> new KeyQueryMetadata(OTHER, Set.of(SELF), 1), SELF);

    assertThat(locator.locate("u1")).isEqualTo(new KeyOwner.Remote("10.0.0.2", 8081));
  }

  @Test
  void shouldBeUnknownWhileMetadataIsNotAvailable() {
    KeyOwnerLocator locator =
        new KafkaStreamsKeyOwnerLocator(user -> KeyQueryMetadata.NOT_AVAILABLE, SELF);

    KeyOwner owner = locator.locate("u1");

    assertThat(owner).isInstanceOf(KeyOwner.Unknown.class);
    assertThat(((KeyOwner.Unknown) owner).reason()).contains("rebalancing");
  }

  @Test
  void shouldTurnAStreamsExceptionIntoUnknownWithItsMessage() {
    KeyOwnerLocator locator =
        new KafkaStreamsKeyOwnerLocator(
            user -> {
              throw new StreamsNotStartedException("KafkaStreams has not been started");
            },
            SELF);

    KeyOwner owner = locator.locate("u1");

    assertThat(owner).isEqualTo(
        new KeyOwner.Unknown("key metadata unavailable: KafkaStreams has not been started"));
  }

  @Test
  void shouldPassTheUserToTheMetadataLookup() {
    KeyOwnerLocator locator =
        new KafkaStreamsKeyOwnerLocator(
            user -> user.equals("mine") ? new KeyQueryMetadata(SELF, Set.of(), 0)
                : new KeyQueryMetadata(OTHER, Set.of(), 1),
            SELF);

    assertThat(locator.locate("mine")).isEqualTo(KeyOwner.LOCAL);
    assertThat(locator.locate("theirs")).isInstanceOf(KeyOwner.Remote.class);
  }
}
