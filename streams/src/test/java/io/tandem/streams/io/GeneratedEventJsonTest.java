package io.tandem.streams.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.generator.GeneratedEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratedEventJsonTest {

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void shouldWriteTheEventContractFieldsInFixedOrderWithAWholeLabelAsInteger() {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("device", "mobile");
    context.put("hour", 13L);
    GeneratedEvent click = new GeneratedEvent("e-1", "ctr", "u17", "i42", 1.0, 1_764_300_000_000L, context, 0.25);

    assertThat(text(GeneratedEventJson.event(click))).isEqualTo(
        "{\"id\":\"e-1\",\"task\":\"ctr\",\"user\":\"u17\",\"item\":\"i42\",\"label\":1,\"ts\":1764300000000,"
            + "\"context\":{\"device\":\"mobile\",\"hour\":13}}");
    assertThat(text(GeneratedEventJson.truth(click)))
        .isEqualTo("{\"id\":\"e-1\",\"task\":\"ctr\",\"label\":1,\"truth\":0.25}");
  }

  @Test
  void shouldKeepFractionalLabelsAndDoubleContextAndOmitAnEmptyContext() {
    GeneratedEvent rating = new GeneratedEvent("e-2", "preference", "u1", "i2", 3.75, 5L, Map.of(), 3.5);
    GeneratedEvent withScore = new GeneratedEvent("e-3", "preference", "u1", "i2", 4.0, 5L,
        Map.of("score", 0.5), 3.5);

    assertThat(text(GeneratedEventJson.event(rating))).isEqualTo(
        "{\"id\":\"e-2\",\"task\":\"preference\",\"user\":\"u1\",\"item\":\"i2\",\"label\":3.75,\"ts\":5}");
    assertThat(text(GeneratedEventJson.event(withScore))).endsWith("\"label\":4,\"ts\":5,\"context\":{\"score\":0.5}}");
  }

  @Test
  void shouldEscapeStringsAsJson() {
    GeneratedEvent odd = new GeneratedEvent("e-\"4\"", "ctr", "u\\1", "i\n2", 0.0, 0L, Map.of(), 0.1);

    assertThat(text(GeneratedEventJson.event(odd)))
        .startsWith("{\"id\":\"e-\\\"4\\\"\",\"task\":\"ctr\",\"user\":\"u\\\\1\",\"item\":\"i\\n2\"");
  }
}
