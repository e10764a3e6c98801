package io.tandem.streams.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordKeysTest {

  private static String userOf(String json) {
    return RecordKeys.userOf(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldFindTheTopLevelUserAfterNestedObjects() {
    String event = "{\"id\":\"e-1\",\"context\":{\"user\":\"nested\",\"hour\":13},\"task\":\"ctr\",\"user\":\"u17\"}";

    assertThat(userOf(event)).isEqualTo("u17");
  }

  @Test
  void shouldGiveNoKeyWhenUserIsMissingNotAStringOrTheRecordIsNotAnObject() {
    assertThat(userOf("{\"id\":\"e-1\"}")).isNull();
    assertThat(userOf("{\"user\":17}")).isNull();
    assertThat(userOf("[\"user\",\"u1\"]")).isNull();
    assertThat(userOf("not json")).isNull();
    assertThat(userOf("{\"id\":")).isNull();
  }

  @Test
  void shouldReturnTheUserEvenIfTheRestOfTheRecordIsMalformed() {
    assertThat(userOf("{\"user\":\"u1\",\"label\":}")).isEqualTo("u1");
  }
}
