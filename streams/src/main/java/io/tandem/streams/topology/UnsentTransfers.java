package io.tandem.streams.topology;

import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.TransferUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of the transfer updates a learner owed when its stream task committed
 * ({@link ModelStores#UNSENT_TRANSFERS_KEY}): with pipelined learning, a batch whose learn
 * finished inside a commit (which awaits it) has its updates made but not yet forwarded, since a
 * processor cannot forward during a commit; storing them in that commit, beside the learned batch,
 * lets a restarted task publish them, so none is lost. Layout: magic {@code 0x54505455}
 * ("TPTU"), format version 1, the number of updates, then per update in publishing order its
 * record timestamp (long) and its contract JSON (int length, bytes): a
 * {@link TimestampedJsonFraming}. No Java serialization.
 *
 * <p>Stateless and thread-safe.
 */
final class UnsentTransfers {

  private static final TimestampedJsonFraming FRAMING =
      new TimestampedJsonFraming(0x54505455, 1, "unsent transfer updates");

  private UnsentTransfers() {}

  /** Encodes the updates in order. */
  static byte[] encode(List<TransferPublisher.Ready> updates, JsonCodec<TransferUpdate> codec) {
    return FRAMING.encode(updates, TransferPublisher.Ready::timestamp,
        ready -> codec.encode(ready.update()));
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws IncompatibleModelStateException for another magic, a newer format, truncated bytes
   *     or an update that no longer validates
   */
  static List<TransferPublisher.Ready> decode(byte[] stored, JsonCodec<TransferUpdate> codec) {
    List<TransferPublisher.Ready> out = new ArrayList<>();
    FRAMING.decode(stored, codec, (index, timestamp, update) -> {
      if (!(update instanceof Decoded.Valid<TransferUpdate> valid)) {
        throw new IncompatibleModelStateException("unsent transfer update " + index
            + " in store " + ModelStores.DENSE_STORE + " does not validate: "
            + ((Decoded.Invalid<TransferUpdate>) update).rejection().message(), null);
      }
      out.add(new TransferPublisher.Ready(valid.value(), timestamp));
    });
    return out;
  }
}
