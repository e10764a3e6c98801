package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingEventsTest {

  private static final TaskCatalog BOTH = TaskCatalog.of(List.of(
      TaskDeclaration.binary("ctr", 1.0), TaskDeclaration.regression("preference", 1, 5, 1.0)));
  private static final JsonCodec<LabelledEvent> CODEC = Codecs.labelledEvents(BOTH);

  private static PendingEvents.Entry entry(long timestamp, String id, String task, double label) {
    return new PendingEvents.Entry(timestamp, new LabelledEvent(id, task, "u1", "i1", label, 7,
        Map.of("device", "mobile", "hour", 13L)));
  }

  @Test
  void shouldRoundTripEventsAndTimestampsInOrder() {
    List<PendingEvents.Entry> entries = List.of(entry(5, "e-1", "ctr", 1),
        entry(3, "e-2", "preference", 4.5), entry(9, "e-3", "ctr", 0));

    PendingEvents.Restored restored = PendingEvents.decode(PendingEvents.encode(entries, CODEC),
        CODEC);

    assertThat(restored.entries()).isEqualTo(entries);
    assertThat(restored.rejected()).isEmpty();
  }

  @Test
  void shouldReportEventsOfATaskNoLongerDeclaredInsteadOfDroppingThemSilently() {
    byte[] stored = PendingEvents.encode(List.of(entry(1, "e-1", "ctr", 1),
        entry(2, "e-2", "preference", 2)), CODEC);
    JsonCodec<LabelledEvent> ctrOnly = Codecs.labelledEvents(
        TaskCatalog.of(List.of(TaskDeclaration.binary("ctr", 1.0))));

    PendingEvents.Restored restored = PendingEvents.decode(stored, ctrOnly);

    assertThat(restored.entries()).extracting(e -> e.event().id()).containsExactly("e-1");
    assertThat(restored.rejected()).singleElement().asString().contains("preference");
  }

  @Test
  void shouldRejectANewerFormatAndTruncatedBytesWithAClearMessage() {
    byte[] stored = PendingEvents.encode(List.of(entry(1, "e-1", "ctr", 1)), CODEC);
    byte[] newer = stored.clone();
    ByteBuffer.wrap(newer).putInt(4, 2);

    assertThatThrownBy(() -> PendingEvents.decode(newer, CODEC))
        .isInstanceOf(IncompatibleModelStateException.class)
        .hasMessageContaining("this version reads format 1");
    assertThatThrownBy(() -> PendingEvents.decode(Arrays.copyOf(stored, stored.length - 3), CODEC))
        .isInstanceOf(IncompatibleModelStateException.class)
        .hasMessageContaining("truncated or malformed");
  }
}
