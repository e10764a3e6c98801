package io.tandem.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class ReplicaMixerTest {

  private static final long PRINT = 77;
  private static final int N = 3;

  private final ReplicaMixer mixer = new ReplicaMixer("app", "0_0");
  private final List<KeyValue<String, byte[]>> store = new ArrayList<>();

  private void put(String key, long print, long version, long publishedAt, double... params) {
    store.removeIf(kv -> kv.key.equals(key));
    store.add(KeyValue.pair(key, new SyncRecord(print, version, 0, publishedAt, params)
        .toBytes()));
  }

  private Optional<ReplicaMixer.Mean> next() {
    return mixer.next(store.iterator(), PRINT, N);
  }

  @Test
  void shouldAverageTheOtherReplicasOfTheSameApplicationAndFingerprint() {
    // Given two other stream tasks, this task's own record, another app's and another print's
    put("app/0_1", PRINT, 5, 100, 1, 2, 3);
    put("app/0_2", PRINT, 6, 300, 3, 4, 5);
    put("app/0_0", PRINT, 9, 400, 100, 100, 100);
    put("other/0_1", PRINT, 9, 500, 100, 100, 100);
    put("app/0_3", PRINT + 1, 9, 600, 100, 100, 100);

    // When the mixer looks
    ReplicaMixer.Mean mean = next().orElseThrow();

    // Then the mean is of 0_1 and 0_2 only (each value (a + b) / 2, exact in binary)
    assertThat(mean.parameters()).containsExactly(2.0, 3.0, 4.0);
    assertThat(mean.replicas()).isEqualTo(2);
    assertThat(mean.newestPublishedAtMs()).isEqualTo(300);
    assertThat(mean.fingerprint()).isEqualTo(PRINT);
    assertThat(mixer.skipped()).isEqualTo(1);
  }

  @Test
  void shouldMixOnlyWhatIsNewerThanTheLastMix() {
    // Given a first mix of 0_1 and 0_2
    put("app/0_1", PRINT, 5, 100, 1, 1, 1);
    put("app/0_2", PRINT, 5, 100, 3, 3, 3);
    assertThat(next()).isPresent();

    // When nothing new arrives, then only 0_2 publishes a newer version
    Optional<ReplicaMixer.Mean> idle = next();
    put("app/0_2", PRINT, 6, 200, 7, 7, 7);
    ReplicaMixer.Mean second = next().orElseThrow();

    // Then the idle tick mixes nothing and the second mixes 0_2's new parameters alone
    assertThat(idle).isEmpty();
    assertThat(second.replicas()).isEqualTo(1);
    assertThat(second.parameters()).containsExactly(7.0, 7.0, 7.0);
  }

  @Test
  void shouldSkipAnUnreadableRecordAndAWrongLength() {
    store.add(KeyValue.pair("app/0_1", new byte[] {1, 2, 3}));
    put("app/0_2", PRINT, 5, 100, 1, 2);

    assertThat(next()).isEmpty();
    assertThat(mixer.skipped()).isEqualTo(2);
  }
}
