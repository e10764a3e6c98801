package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.schemas.Codecs;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchLogTest {

  private static LabelledEvent event(int i) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("hour", (long) i % 24);
    context.put("device", i % 2 == 0 ? "mobile" : "désktop ✓");
    context.put("price", 0.1 * i);
    return new LabelledEvent("e-" + i, i % 3 == 0 ? "rating" : "ctr", "user-" + i, "item-" + i,
        i % 3 == 0 ? 1.5 + i : i % 2, 1_700_000_000_000L + i, context);
  }

  @Test
  void shouldRoundTripEveryFieldWithContextOrderAndValueTypes() {
    // Given a batch with all three context value types, unicode, and an empty context
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      events.add(event(i));
    }
    events.add(new LabelledEvent("bare", "ctr", "u", "i", 0, 0, Map.of()));
    BatchLog.Entry entry = new BatchLog.Entry(41, 42, 1_000, events);

    // When
    BatchLog.Entry decoded = BatchLog.decode(BatchLog.encode(entry));

    // Then equal, and each context keeps its order and value types
    assertThat(decoded).isEqualTo(entry);
    for (int i = 0; i < events.size(); i++) {
      assertThat(List.copyOf(decoded.events().get(i).context().keySet()))
          .isEqualTo(List.copyOf(events.get(i).context().keySet()));
      for (Map.Entry<String, Object> c : events.get(i).context().entrySet()) {
        assertThat(decoded.events().get(i).context().get(c.getKey()))
            .isExactlyInstanceOf(c.getValue().getClass());
      }
    }
  }

  @Test
  void shouldDecodeToWhatTheJsonCodecWouldHaveProduced() {
    // Given an event as the validating codec decodes it from its JSON
    var codec = Codecs.labelledEvents(TaskCatalog.of(List.of(TaskDeclaration.binary("ctr", 1))));
    LabelledEvent fromJson = ((Decoded.Valid<LabelledEvent>) codec.decode(("{\"id\":\"e\","
        + "\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":5,"
        + "\"context\":{\"n\":3,\"x\":2.5,\"s\":\"a\"}}").getBytes(StandardCharsets.UTF_8)))
        .value();

    // When logged and read back
    LabelledEvent logged = BatchLog.decode(BatchLog.encode(
        new BatchLog.Entry(0, 1, 1, List.of(fromJson)))).events().get(0);

    // Then identical
    assertThat(logged).isEqualTo(fromJson);
  }

  @Test
  void shouldTakeLessThanHalfTheJsonBytes() {
    // Given a batch of 32 generator-like events
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      events.add(event(i));
    }
    var codec = Codecs.labelledEvents(TaskCatalog.of(List.of(TaskDeclaration.binary("ctr", 1),
        TaskDeclaration.regression("rating", 0, 100, 1))));
    long json = events.stream().mapToLong(e -> codec.encode(e).length).sum();

    // When
    int logged = BatchLog.encode(new BatchLog.Entry(0, 1, 32, events)).length;

    // Then at most half the JSON (task names and context keys are stored once per batch)
    assertThat(logged).isLessThan((int) (json / 2));
  }

  @Test
  void shouldOrderKeysBySequenceNumber() {
    // Given
    byte[] k255 = BatchLog.key(255);
    byte[] k256 = BatchLog.key(256);

    // Then unsigned byte order is numeric order, and the key round-trips
    assertThat(Arrays.compareUnsigned(k255, k256)).isNegative();
    assertThat(BatchLog.sequence(k256)).isEqualTo(256);
    assertThatThrownBy(() -> BatchLog.sequence(new byte[3]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 bytes");
  }

  @Test
  void shouldRejectANewerFormatAndTruncatedBytes() {
    // Given a valid entry
    byte[] bytes = BatchLog.encode(new BatchLog.Entry(0, 1, 1, List.of(event(1))));
    byte[] newer = bytes.clone();
    ByteBuffer.wrap(newer).putInt(4, 2);

    // Then
    assertThatThrownBy(() -> BatchLog.decode(newer))
        .isInstanceOf(IncompatibleModelStateException.class)
        .hasMessageContaining("reads at most format 1");
    assertThatThrownBy(() -> BatchLog.decode(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(IncompatibleModelStateException.class)
        .hasMessageContaining("truncated or malformed");
  }

  @Test
  void shouldRejectAnEmptyBatchAndANegativeSequence() {
    assertThatThrownBy(() -> new BatchLog.Entry(0, 0, 0, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("events");
    assertThatThrownBy(() -> new BatchLog.Entry(-1, 0, 0, List.of(event(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sequence");
  }

  @Test
  void shouldRoundTripTheCheckpointMarkAndRejectGarbage() {
    Checkpoint mark = new Checkpoint(7, 12, 384);
    assertThat(Checkpoint.decode(mark.encode())).isEqualTo(mark);
    assertThatThrownBy(() -> Checkpoint.decode(new byte[5]))
        .isInstanceOf(IncompatibleModelStateException.class);
  }
}
