package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RowKeyTest {

  @Test
  void bytesShouldRoundTripForRandomUnicodeKeys() {
    // Given 500 seeded random keys, tables of 1..20 and ids of 0..30 code points (any plane, no lone surrogates)
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 500; i++) {
      RowKey key = new RowKey(randomString(random, 1 + random.nextInt(20)),
          randomString(random, random.nextInt(31)));
      // Then
      assertThat(RowKey.fromBytes(key.toBytes())).isEqualTo(key);
    }
  }

  private static String randomString(SplittableRandom random, int codePoints) {
    StringBuilder s = new StringBuilder();
    while (s.codePointCount(0, s.length()) < codePoints) {
      int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
      if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
        s.appendCodePoint(cp);
      }
    }
    return s.toString();
  }

  @Test
  void defaultRowShouldHaveTheEmptyId() {
    RowKey key = RowKey.defaultRow("ctx.device");
    assertThat(key.isDefaultRow()).isTrue();
    assertThat(RowKey.fromBytes(key.toBytes())).isEqualTo(key);
  }

  @Test
  void shouldRejectMalformedBytes() {
    assertThatThrownBy(() -> RowKey.fromBytes(new byte[] {0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 4 bytes");
    assertThatThrownBy(() -> RowKey.fromBytes(new byte[] {0, 0, 0, 9, 'a'}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table length 9");
  }
}
