package io.tandem.streams.topology;

import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The framing of a list of contract records kept in the dense store with their record
 * timestamps ({@link PendingEvents}, {@link UnsentTransfers}): a magic number and a format
 * version (ints), the number of entries (int), then per entry in order its record timestamp
 * (long) and its contract JSON (int length, bytes). No Java serialization. Decoding re-validates
 * every entry with the given codec and hands the caller the verdict, so each user decides what an
 * entry that no longer validates means.
 *
 * <p>Stateless and thread-safe.
 *
 * @param magic identifies the kind of list (its first four bytes)
 * @param format the format version written; a reader rejects a newer one
 * @param what how messages name the list, e.g. "pending events"
 */
record TimestampedJsonFraming(int magic, int format, String what) {

  /** Receives each decoded entry in order. */
  @FunctionalInterface
  interface Sink<T> {
    /**
     * @param index the entry's position, from 0
     * @param timestamp its record timestamp
     * @param decoded its JSON as the codec judged it
     */
    void accept(int index, long timestamp, Decoded<T> decoded);
  }

  /** Encodes {@code entries} in order, each as its timestamp and JSON. */
  <E> byte[] encode(List<E> entries, ToLongFunction<E> timestamp, Function<E, byte[]> json) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 256 * entries.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      out.writeInt(format);
      out.writeInt(entries.size());
      for (E entry : entries) {
        byte[] value = json.apply(entry);
        out.writeLong(timestamp.applyAsLong(entry));
        out.writeInt(value.length);
        out.write(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes what {@link #encode} wrote, handing every entry to {@code sink} in order.
   *
   * @throws IncompatibleModelStateException for another magic, a newer format, or truncated or
   *     malformed bytes (or whatever the sink throws)
   */
  <T> void decode(byte[] stored, JsonCodec<T> codec, Sink<T> sink) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      int storedMagic = in.readInt();
      int storedFormat = in.readInt();
      if (storedMagic != magic || storedFormat > format) {
        throw new IncompatibleModelStateException(what + " in store " + ModelStores.DENSE_STORE
            + ": format " + storedFormat + " with magic " + Integer.toHexString(storedMagic)
            + ", this version reads format " + format + "; a newer Tandem wrote them", null);
      }
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        long timestamp = in.readLong();
        byte[] json = new byte[in.readInt()];
        in.readFully(json);
        sink.accept(i, timestamp, codec.decode(json));
      }
    } catch (IOException | NegativeArraySizeException e) {
      throw new IncompatibleModelStateException(what + " in store " + ModelStores.DENSE_STORE
          + " are truncated or malformed", e);
    }
  }
}
