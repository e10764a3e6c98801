package io.tandem.streams.topology;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * What a learner's last checkpoint covers, stored beside its dense blob under
 * {@link ModelStores#CHECKPOINT_KEY}: the first batch-log sequence number NOT contained in the
 * checkpoint, and the model version and learned-event count of the checkpointed model.
 *
 * <p>A restore loads the checkpoint, then re-learns the log entries from {@code nextSequence} on;
 * entries below it are already in the checkpoint (their deletion is written one commit after the
 * checkpoint, see {@link CommitWriter}) and are skipped. Layout: magic {@code 0x5443504b}
 * ("TCPK"), format version 1 (int), then the three longs.
 *
 * @param nextSequence first log sequence number after the checkpoint, &gt;= 0
 * @param version model version of the checkpointed model
 * @param events labelled events the checkpointed model had learned
 */
public record Checkpoint(long nextSequence, long version, long events) {

  private static final int MAGIC = 0x5443504b;
  private static final int FORMAT = 1;
  private static final int BYTES = 2 * Integer.BYTES + 3 * Long.BYTES;

  /** Validates. */
  public Checkpoint {
    if (nextSequence < 0) {
      throw new IllegalArgumentException("nextSequence: must be >= 0, got " + nextSequence);
    }
  }

  /** The stored form. */
  byte[] encode() {
    return ByteBuffer.allocate(BYTES).putInt(MAGIC).putInt(FORMAT).putLong(nextSequence)
        .putLong(version).putLong(events).array();
  }

  /**
   * Reads what {@link #encode} wrote.
   *
   * @throws IncompatibleModelStateException for another magic, a newer format or truncated bytes
   */
  public static Checkpoint decode(byte[] stored) {
    try {
      ByteBuffer in = ByteBuffer.wrap(stored);
      int magic = in.getInt();
      int format = in.getInt();
      if (magic != MAGIC || format < 1 || format > FORMAT) {
        throw new IncompatibleModelStateException("checkpoint mark in store "
            + ModelStores.DENSE_STORE + ": format " + format + " with magic "
            + Integer.toHexString(magic) + "; this version reads at most format " + FORMAT, null);
      }
      return new Checkpoint(in.getLong(), in.getLong(), in.getLong());
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IncompatibleModelStateException("checkpoint mark in store "
          + ModelStores.DENSE_STORE + " is truncated or malformed", e);
    }
  }
}
