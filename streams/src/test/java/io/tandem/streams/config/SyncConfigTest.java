package io.tandem.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SyncConfigTest {

  @Test
  void shouldBeOffByDefaultWithAFifthMixingAndTheDefaultTopic() {
    TandemConfig config = TandemConfig.defaults();

    assertThat(config.sync().enabled()).isFalse();
    assertThat(config.sync().mixingRate()).isEqualTo(0.2);
    assertThat(config.topics().modelSync()).isEqualTo("tandem.model-sync");
    assertThat(config.topics().all()).contains("tandem.model-sync");
    assertThat(config.topics().creationConfigs(1_000).get("tandem.model-sync"))
        .containsEntry("cleanup.policy", "compact")
        .containsEntry("max.message.bytes", "1000");
  }

  @Test
  void shouldReadTheSyncKeys() {
    TandemConfig config = TandemConfig.load(null, Map.of(), Map.of("sync.interval.ms", "10000",
        "sync.mixing.rate", "0.25", "topics.model-sync", "my.sync"));

    assertThat(config.sync()).isEqualTo(new SyncConfig(Duration.ofSeconds(10), 0.25));
    assertThat(config.sync().enabled()).isTrue();
    assertThat(config.topics().modelSync()).isEqualTo("my.sync");
  }

  @Test
  void shouldRejectARateOutsideZeroToOneANegativeIntervalAndAnUnknownSyncKey() {
    assertThatThrownBy(() -> TandemConfig.load(null, Map.of(), Map.of("sync.mixing.rate", "1.5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Invalid value 1.5 for configuration sync.mixing.rate:");
    assertThatThrownBy(() -> TandemConfig.load(null, Map.of(), Map.of("sync.interval.ms", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Invalid value -1 for configuration sync.interval.ms:");
    assertThatThrownBy(() -> TandemConfig.load(null, Map.of(), Map.of("sync.intervall.ms", "5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sync.intervall.ms");
    assertThatThrownBy(() -> new SyncConfig(Duration.ZERO, -0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sync.mixing.rate: must be in [0, 1], got -0.1");
  }
}
