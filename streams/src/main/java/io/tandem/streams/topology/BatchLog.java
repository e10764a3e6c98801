package io.tandem.streams.topology;

import io.tandem.schemas.LabelledEvent;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The binary form of one entry of a learner's batch log ({@link ModelStores#LOG_STORE}): one
 * micro-batch the model learned after its last checkpoint, with the events in batch order, so a
 * restore can re-learn it exactly.
 *
 * <p>Key: the entry's sequence number, 8 bytes big-endian (non-negative, so the store's byte order
 * is the learning order). Value layout (no Java serialization): magic {@code 0x54424c47}
 * ("TBLG"), format version 1 (int), sequence (long), model version and events learned after the
 * batch (two longs: a restore checks its replay against them, and a reader of the changelog can
 * tell what the committed model has learned without re-learning), a string table (count, then
 * each string), the number of events, the first event's ts (long), then per event: id, user, item
 * (strings), task (table index), label (double bits), ts (zig-zag difference to the first
 * event's), and its context (count; per entry the key's table index, a type byte
 * {@code s}/{@code l}/{@code d} and the String, zig-zag long or double bits). Counts, lengths and
 * indexes are unsigned LEB128 varints; strings are length-prefixed UTF-8. Task names and context
 * keys repeat in every event, so they go into the table once per batch: a typical event takes
 * about 40% of its JSON's bytes.
 *
 * <p>Round trip: {@link #decode} returns events equal to the encoded ones, context in the same
 * order with the same value types (the contract's context holds only String, Long and finite
 * Double), which is all {@link io.tandem.streams.learning.Examples} reads. Stateless, thread-safe.
 */
public final class BatchLog {

  private static final int MAGIC = 0x54424c47;
  private static final int FORMAT = 1;
  private static final byte STRING = 's';
  private static final byte LONG = 'l';
  private static final byte DOUBLE = 'd';

  private BatchLog() {}

  /**
   * One logged micro-batch.
   *
   * @param sequence its position in the log, &gt;= 0, one more than the entry before it
   * @param versionAfter the model version after learning it
   * @param eventsAfter the labelled events the model had learned after it
   * @param events the batch, in the order it was learned; not empty
   */
  public record Entry(long sequence, long versionAfter, long eventsAfter,
      List<LabelledEvent> events) {

    /** Validates and copies the events. */
    public Entry {
      if (sequence < 0) {
        throw new IllegalArgumentException("sequence: must be >= 0, got " + sequence);
      }
      events = List.copyOf(events);
      if (events.isEmpty()) {
        throw new IllegalArgumentException("events: a logged batch is not empty");
      }
    }
  }

  /** The store key of the entry with {@code sequence} (8 bytes, big-endian). */
  static byte[] key(long sequence) {
    return ByteBuffer.allocate(Long.BYTES).putLong(sequence).array();
  }

  /**
   * The sequence number of an entry's store key.
   *
   * @throws IllegalArgumentException if the key is not 8 bytes
   */
  public static long sequence(byte[] key) {
    if (key.length != Long.BYTES) {
      throw new IllegalArgumentException("batch log key: must be " + Long.BYTES + " bytes, got "
          + key.length);
    }
    return ByteBuffer.wrap(key).getLong();
  }

  /** Encodes an entry. */
  static byte[] encode(Entry entry) {
    // Task names and context keys: a handful per batch, so a list beats a hash map.
    List<String> table = new ArrayList<>();
    for (LabelledEvent e : entry.events()) {
      index(table, e.task());
      for (String key : e.context().keySet()) {
        index(table, key);
      }
    }
    Writer out = new Writer(64 + 48 * entry.events().size());
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    out.writeLong(entry.sequence());
    out.writeLong(entry.versionAfter());
    out.writeLong(entry.eventsAfter());
    out.writeVarLong(table.size());
    for (String s : table) {
      out.writeString(s);
    }
    out.writeVarLong(entry.events().size());
    long firstTs = entry.events().get(0).ts();
    out.writeLong(firstTs);
    for (LabelledEvent e : entry.events()) {
      out.writeString(e.id());
      out.writeString(e.user());
      out.writeString(e.item());
      out.writeVarLong(index(table, e.task()));
      out.writeLong(Double.doubleToRawLongBits(e.label()));
      out.writeVarLong(zigZag(e.ts() - firstTs));
      out.writeVarLong(e.context().size());
      for (Map.Entry<String, Object> c : e.context().entrySet()) {
        out.writeVarLong(index(table, c.getKey()));
        Object value = c.getValue();
        if (value instanceof String str) {
          out.writeByte(STRING);
          out.writeString(str);
        } else if (value instanceof Long l) {
          out.writeByte(LONG);
          out.writeVarLong(zigZag(l));
        } else if (value instanceof Double d) {
          out.writeByte(DOUBLE);
          out.writeLong(Double.doubleToRawLongBits(d));
        } else {
          throw new IllegalArgumentException("context." + c.getKey() + ": a logged event's"
              + " context value is a String, Long or Double, got "
              + (value == null ? "null" : value.getClass()));
        }
      }
    }
    return out.toByteArray();
  }

  /** The position of {@code s} in {@code table}, appended if absent. */
  private static int index(List<String> table, String s) {
    int at = table.indexOf(s);
    if (at >= 0) {
      return at;
    }
    table.add(s);
    return table.size() - 1;
  }

  /**
   * A growable big-endian byte writer: what {@code DataOutputStream} over a
   * {@code ByteArrayOutputStream} does, without a synchronized call per byte.
   */
  private static final class Writer {
    private byte[] buf;
    private int size;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    void writeByte(int b) {
      ensure(1);
      buf[size++] = (byte) b;
    }

    void writeInt(int v) {
      ensure(Integer.BYTES);
      for (int shift = 24; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (v >>> shift);
      }
    }

    void writeLong(long v) {
      ensure(Long.BYTES);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (v >>> shift);
      }
    }

    /** Unsigned LEB128: 7 bits per byte, low bits first, high bit set on all but the last. */
    void writeVarLong(long value) {
      ensure(10);
      long v = value;
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void writeString(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      writeVarLong(utf8.length);
      ensure(utf8.length);
      System.arraycopy(utf8, 0, buf, size, utf8.length);
      size += utf8.length;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  /**
   * Decodes what {@link #encode} wrote.
   *
   * @throws IncompatibleModelStateException for another magic, a newer format, or truncated or
   *     malformed bytes
   */
  public static Entry decode(byte[] stored) {
    Objects.requireNonNull(stored, "stored");
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      int magic = in.readInt();
      int format = in.readInt();
      if (magic != MAGIC || format < 1 || format > FORMAT) {
        throw new IncompatibleModelStateException("batch log entry in store "
            + ModelStores.LOG_STORE + ": format " + format + " with magic "
            + Integer.toHexString(magic) + "; this version reads at most format " + FORMAT, null);
      }
      long sequence = in.readLong();
      long versionAfter = in.readLong();
      long eventsAfter = in.readLong();
      String[] table = new String[readCount(in)];
      for (int i = 0; i < table.length; i++) {
        table[i] = readString(in);
      }
      int count = readCount(in);
      long firstTs = in.readLong();
      List<LabelledEvent> events = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String id = readString(in);
        String user = readString(in);
        String item = readString(in);
        String task = table[readCount(in)];
        double label = Double.longBitsToDouble(in.readLong());
        long ts = firstTs + unZigZag(readVarLong(in));
        int fields = readCount(in);
        Map<String, Object> context = fields == 0 ? Map.of() : new LinkedHashMap<>();
        for (int f = 0; f < fields; f++) {
          String key = table[readCount(in)];
          context.put(key, readValue(in));
        }
        events.add(new LabelledEvent(id, task, user, item, label, ts, context));
      }
      if (in.available() > 0) {
        throw new IOException(in.available() + " bytes after the last event");
      }
      return new Entry(sequence, versionAfter, eventsAfter, events);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IncompatibleModelStateException incompatible) {
        throw incompatible;
      }
      throw new IncompatibleModelStateException("batch log entry in store "
          + ModelStores.LOG_STORE + " is truncated or malformed (" + e.getMessage() + ")", e);
    }
  }

  private static Object readValue(DataInputStream in) throws IOException {
    byte type = in.readByte();
    return switch (type) {
      case STRING -> readString(in);
      case LONG -> unZigZag(readVarLong(in));
      case DOUBLE -> Double.longBitsToDouble(in.readLong());
      default -> throw new IOException("unknown context value type " + type);
    };
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = readCount(in);
    if (length > in.available()) {
      throw new IOException("string length " + length + " exceeds the "
          + in.available() + " bytes left");
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static long readVarLong(DataInputStream in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("varint longer than 10 bytes");
  }

  /** A count, length or index: a varint that fits a non-negative int. */
  private static int readCount(DataInputStream in) throws IOException {
    long value = readVarLong(in);
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new IOException("count " + Long.toUnsignedString(value) + " out of range");
    }
    return (int) value;
  }

  /** Zig-zag: small magnitudes of either sign become small unsigned numbers. */
  private static long zigZag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unZigZag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
