package io.tandem.streams.topology;

import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The binary form of the events a learner had buffered, not yet learned, when its stream task
 * committed ({@link ModelStores#PENDING_KEY}). Layout: magic {@code 0x54504556} ("TPEV"), format
 * version 1, the number of events, then per event in arrival order its record timestamp (long)
 * and its contract JSON (int length, bytes). No Java serialization.
 *
 * <p>Decoding re-validates every event with the current codec: an event that no longer
 * validates (the task list changed) is returned among {@link Restored#rejected}, not dropped
 * silently. Stateless and thread-safe.
 */
final class PendingEvents {

  private static final int MAGIC = 0x54504556;
  private static final int FORMAT = 1;

  private PendingEvents() {}

  /** A buffered event: its record timestamp and the event. */
  record Entry(long timestamp, LabelledEvent event) {
    Entry {
      Objects.requireNonNull(event, "event");
    }
  }

  /** What {@link #decode} read: the events that still validate, and the messages of those that do not. */
  record Restored(List<Entry> entries, List<String> rejected) {}

  /** Encodes the buffered events in order. */
  static byte[] encode(List<Entry> entries, JsonCodec<LabelledEvent> codec) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 256 * entries.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(entries.size());
      for (Entry entry : entries) {
        byte[] json = codec.encode(entry.event());
        out.writeLong(entry.timestamp());
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
   * @throws IncompatibleModelStateException for another magic, a newer format or truncated bytes
   */
  static Restored decode(byte[] stored, JsonCodec<LabelledEvent> codec) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      int magic = in.readInt();
      int format = in.readInt();
      if (magic != MAGIC || format > FORMAT) {
        throw new IncompatibleModelStateException("pending events in store "
            + ModelStores.DENSE_STORE + ": format " + format + " with magic "
            + Integer.toHexString(magic) + ", this version reads format " + FORMAT
            + "; a newer Tandem wrote them", null);
      }
      int count = in.readInt();
      List<Entry> entries = new ArrayList<>(count);
      List<String> rejected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        long timestamp = in.readLong();
        byte[] json = new byte[in.readInt()];
        in.readFully(json);
        Decoded<LabelledEvent> event = codec.decode(json);
        if (event instanceof Decoded.Valid<LabelledEvent> valid) {
          entries.add(new Entry(timestamp, valid.value()));
        } else {
          rejected.add(((Decoded.Invalid<LabelledEvent>) event).rejection()
              .message());
        }
      }
      return new Restored(entries, rejected);
    } catch (IOException | NegativeArraySizeException e) {
      throw new IncompatibleModelStateException("pending events in store "
          + ModelStores.DENSE_STORE + " are truncated or malformed", e);
    }
  }
}
