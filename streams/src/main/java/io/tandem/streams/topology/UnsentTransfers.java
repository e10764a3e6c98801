package io.tandem.streams.topology;

import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.TransferUpdate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of the transfer updates a learner owed when its stream task committed
 * ({@link ModelStores#UNSENT_TRANSFERS_KEY}): with pipelined learning, a batch whose learn
 * finished inside a commit (which awaits it) has its updates made but not yet forwarded, since a
 * processor cannot forward during a commit; storing them in that commit, beside the learned batch,
 * lets a restarted task publish them, so none is lost. Layout: magic {@code 0x54505455}
 * ("TPTU"), format version 1, the number of updates, then per update in publishing order its
 * record timestamp (long) and its contract JSON (int length, bytes). No Java serialization.
 *
 * <p>Stateless and thread-safe.
 */
final class UnsentTransfers {

  private static final int MAGIC = 0x54505455;
  private static final int FORMAT = 1;

  private UnsentTransfers() {}

  /** Encodes the updates in order. */
  static byte[] encode(List<TransferPublisher.Ready> updates, JsonCodec<TransferUpdate> codec) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 512 * updates.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(updates.size());
      for (TransferPublisher.Ready ready : updates) {
        byte[] json = codec.encode(ready.update());
        out.writeLong(ready.timestamp());
        out.writeInt(json.length);
        out.write(json);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws IncompatibleModelStateException for another magic, a newer format, truncated bytes
   *     or an update that no longer validates
   */
  static List<TransferPublisher.Ready> decode(byte[] stored, JsonCodec<TransferUpdate> codec) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      int magic = in.readInt();
      int format = in.readInt();
      if (magic != MAGIC || format > FORMAT) {
        throw new IncompatibleModelStateException("unsent transfer updates in store "
            + ModelStores.DENSE_STORE + ": format " + format + " with magic "
            + Integer.toHexString(magic) + ", this version reads format " + FORMAT
            + "; a newer Tandem wrote them", null);
      }
      int count = in.readInt();
      List<TransferPublisher.Ready> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long timestamp = in.readLong();
        byte[] json = new byte[in.readInt()];
        in.readFully(json);
        Decoded<TransferUpdate> update = codec.decode(json);
        if (!(update instanceof Decoded.Valid<TransferUpdate> valid)) {
          throw new IncompatibleModelStateException("unsent transfer update " + i + " in store "
              + ModelStores.DENSE_STORE + " does not validate: "
              + ((Decoded.Invalid<TransferUpdate>) update).rejection().message(), null);
        }
        out.add(new TransferPublisher.Ready(valid.value(), timestamp));
      }
      return out;
    } catch (IOException | NegativeArraySizeException e) {
      throw new IncompatibleModelStateException("unsent transfer updates in store "
          + ModelStores.DENSE_STORE + " are truncated or malformed", e);
    }
  }
}
