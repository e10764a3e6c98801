package io.tandem.streams.topology;

import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The binary form of the events a learner had buffered, not yet learned, when its stream task
 * committed ({@link ModelStores#PENDING_KEY}). Layout: magic {@code 0x54504556} ("TPEV"), format
 * version 1, the number of events, then per event in arrival order its record timestamp (long)
 * and its contract JSON (int length, bytes): a {@link TimestampedJsonFraming}. No Java
 * serialization.
 *
 * <p>Decoding re-validates every event with the current codec: an event that no longer
 * validates (the task list changed) is returned among {@link Restored#rejected}, not dropped
 * silently. Stateless and thread-safe.
 */
final class PendingEvents {

  private static final TimestampedJsonFraming FRAMING =
      new TimestampedJsonFraming(0x54504556, 1, "pending events");

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
    return FRAMING.encode(entries, Entry::timestamp, entry -> codec.encode(entry.event()));
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws IncompatibleModelStateException for another magic, a newer format or truncated bytes
   */
  static Restored decode(byte[] stored, JsonCodec<LabelledEvent> codec) {
    List<Entry> entries = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    FRAMING.decode(stored, codec, (index, timestamp, event) -> {
      if (event instanceof Decoded.Valid<LabelledEvent> valid) {
        entries.add(new Entry(timestamp, valid.value()));
      } else {
        rejected.add(((Decoded.Invalid<LabelledEvent>) event).rejection().message());
      }
    });
    return new Restored(entries, rejected);
  }
}
