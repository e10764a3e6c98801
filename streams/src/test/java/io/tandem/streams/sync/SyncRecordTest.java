package io.tandem.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyncRecordTest {

  @Test
  void shouldRoundTripEveryFieldBitForBit() {
    // Given a record with awkward doubles
    double[] params = {0.0, -0.0, 1e-310, -3.5, Double.MAX_VALUE};
    SyncRecord record = new SyncRecord(0xCAFEBABEL, 42, 1_000, 1_764_300_000_000L, params);

    // When it is written and read back
    byte[] bytes = record.toBytes();
    SyncRecord read = SyncRecord.fromBytes(bytes);

    // Then the size is the header plus 8 bytes per parameter and every field is equal
    assertThat(bytes).hasSize(SyncRecord.HEADER_BYTES + 8 * params.length);
    assertThat(read.fingerprint()).isEqualTo(0xCAFEBABEL);
    assertThat(read.modelVersion()).isEqualTo(42);
    assertThat(read.events()).isEqualTo(1_000);
    assertThat(read.publishedAtMs()).isEqualTo(1_764_300_000_000L);
    assertThat(Arrays.equals(read.parameters(), params)).isTrue();
    assertThat(Double.doubleToRawLongBits(read.parameters()[1]))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void shouldRejectAnotherMagicANewerFormatAndATruncatedRecord() {
    byte[] bytes = new SyncRecord(1, 2, 3, 4, new double[] {1, 2}).toBytes();
    byte[] foreign = bytes.clone();
    foreign[0] = 'X';
    byte[] newer = bytes.clone();
    ByteBuffer.wrap(newer).putInt(4, SyncRecord.FORMAT_VERSION + 1);
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);

    assertThatThrownBy(() -> SyncRecord.fromBytes(foreign))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Tandem sync");
    assertThatThrownBy(() -> SyncRecord.fromBytes(newer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("supports at most version " + SyncRecord.FORMAT_VERSION);
    assertThatThrownBy(() -> SyncRecord.fromBytes(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 parameters announced, 13 bytes follow");
    assertThatThrownBy(() -> SyncRecord.fromBytes(Arrays.copyOf(bytes, 10)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated (10 bytes)");
  }

  @Test
  void shouldRejectNonFiniteParametersAndNegativeCounters() {
    assertThatThrownBy(() -> new SyncRecord(1, 2, 3, 4, new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parameters[1]: must be finite, got NaN");
    assertThatThrownBy(() -> new SyncRecord(1, -1, 3, 4, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("modelVersion: must be >= 0, got -1");
  }
}
