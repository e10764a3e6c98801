package io.tandem.model.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class EmbeddingRowTest {

  @Test
  void shouldEncodeTheDocumentedBigEndianLayoutByteForByte() throws IOException {
    // Given: an admitted row with counters and values, including -0.0 and a subnormal
    EmbeddingRow row = new EmbeddingRow("u1", new float[] {1.5f, -0.0f, Float.MIN_VALUE},
        new float[] {0.25f, 3e9f, -7f});
    row.nextUpdate();
    row.nextUpdate();

    // When
    byte[] encoded = row.toBytes();

    // Then: exactly what DataOutput writes for the class comment's layout
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(expected)) {
      out.writeByte(EmbeddingRow.FORMAT_VERSION);
      out.writeByte(1);
      out.writeLong(row.sightings());
      out.writeLong(row.lastTouched());
      out.writeLong(2);
      out.writeInt(3);
      out.writeInt(3);
      for (float v : new float[] {1.5f, -0.0f, Float.MIN_VALUE, 0.25f, 3e9f, -7f}) {
        out.writeFloat(v);
      }
    }
    assertThat(encoded).containsExactly(expected.toByteArray());
  }

  @Test
  void shouldRoundTripAnAdmittedAndANotYetAdmittedRow() {
    // Given
    EmbeddingRow admitted = new EmbeddingRow("i9", new float[] {0.1f, 0.2f}, new float[] {1f, 2f});
    EmbeddingRow pending = new EmbeddingRow("i10", null, null);

    // When
    EmbeddingRow admittedBack = EmbeddingRow.fromBytes("i9", admitted.toBytes(), 2, 2);
    EmbeddingRow pendingBack = EmbeddingRow.fromBytes("i10", pending.toBytes(), 2, 2);

    // Then
    assertThat(admittedBack.toBytes()).containsExactly(admitted.toBytes());
    assertThat(admittedBack.values()).containsExactly(0.1f, 0.2f);
    assertThat(pendingBack.values()).isNull();
    assertThat(pendingBack.toBytes()).hasSize(34);
  }
}
