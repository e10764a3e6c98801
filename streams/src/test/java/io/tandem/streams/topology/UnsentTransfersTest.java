package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.transfer.TransferEvent;
import io.tandem.model.transfer.TransferEvent.Action;
import io.tandem.model.transfer.TransferEvent.Kind;
import io.tandem.model.transfer.TransferEvent.Trigger;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.learning.TransferUpdates;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnsentTransfersTest {

  private static final JsonCodec<TransferUpdate> CODEC = Codecs.transferUpdates();

  private static TransferPublisher.Ready started(String task, long version, long timestamp) {
    TransferEvent event = new TransferEvent(Kind.STARTED, task, Action.TRANSFER, "adwin", 1_200,
        List.of(), "logloss", 0.31, null, version, Trigger.DRIFT);
    return new TransferPublisher.Ready(
        TransferUpdates.of(event, "0_1", Math.max(0, timestamp)).orElseThrow(), timestamp);
  }

  @Test
  void shouldRoundTripUpdatesAndTheirTimestampsInOrder() {
    List<TransferPublisher.Ready> owed = List.of(started("ctr", 40, 5_000),
        started("preference", 41, -1), started("ctr", 42, 7_000));

    List<TransferPublisher.Ready> restored =
        UnsentTransfers.decode(UnsentTransfers.encode(owed, CODEC), CODEC);

    assertThat(restored).isEqualTo(owed);
  }

  @Test
  void shouldRejectANewerFormatAndTruncatedBytesWithAClearMessage() {
    byte[] stored = UnsentTransfers.encode(List.of(started("ctr", 40, 5_000)), CODEC);
    byte[] newer = stored.clone();
    ByteBuffer.wrap(newer).putInt(4, 2);

    assertThatThrownBy(() -> UnsentTransfers.decode(newer, CODEC))
        .isInstanceOf(IncompatibleModelStateException.class)
        .hasMessageContaining("this version reads format 1");
    assertThatThrownBy(() -> UnsentTransfers.decode(Arrays.copyOf(stored, stored.length - 3),
        CODEC))
        .isInstanceOf(IncompatibleModelStateException.class)
        .hasMessageContaining("truncated or malformed");
  }
}
