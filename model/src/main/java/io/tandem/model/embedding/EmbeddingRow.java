package io.tandem.model.embedding;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One entry of an {@link EmbeddingTable}: either an admitted row (its {@code float} values and its
 * optimizer state) or a pending id that the frequency filter has not admitted yet (sightings
 * only). Mutable, owned by its table; not thread-safe.
 *
 * <p>Binary form ({@link #toBytes()}), format version {@value #FORMAT_VERSION}: byte format
 * version, byte flags (bit 0: admitted), int sightings, long last-touched event, long update
 * count, int value count, int state count, the values, the state (big-endian floats).
 */
public final class EmbeddingRow {

  /** Version of the binary row form this class writes; it reads this version and older. */
  public static final int FORMAT_VERSION = 1;

  final String id;
  float[] values;
  float[] state;
  long sightings;
  long lastTouched;
  long updates;
  int batchSlot = -1;
  boolean dirty;
  boolean evicted;

  EmbeddingRow(String id, float[] values, float[] state) {
    this.id = id;
    this.values = values;
    this.state = state;
  }

  /** The raw id ({@code ""} for a table's default row). */
  public String id() {
    return id;
  }

  /** Whether this is an admitted row with values (false for a pending id). */
  public boolean admitted() {
    return values != null;
  }

  /** The row values (live array, do not modify outside an optimizer step); null when pending. */
  public float[] values() {
    return values;
  }

  /** The optimizer state (live array); null when pending. */
  public float[] state() {
    return state;
  }

  /** How many learned events referenced this id. */
  public long sightings() {
    return sightings;
  }

  /** Number of optimizer updates applied to this row (the per-row step count). */
  public long updates() {
    return updates;
  }

  /** Increments and returns the per-row step counter (call once per optimizer update). */
  public long nextUpdate() {
    return ++updates;
  }

  /** The learned-event counter at the last time this id was referenced. */
  public long lastTouched() {
    return lastTouched;
  }

  /** Index of this row's gradient buffer in the current batch, -1 when not touched yet. */
  public int batchSlot() {
    return batchSlot;
  }

  /** Sets {@link #batchSlot()} (the learner's per-batch bookkeeping). */
  public void batchSlot(int slot) {
    this.batchSlot = slot;
  }

  /** Bytes of the binary form before the values: format, flags, three counters, two lengths. */
  private static final int HEADER_BYTES = 1 + 1 + 3 * Long.BYTES + 2 * Integer.BYTES;

  /**
   * The binary form (see the class comment), big-endian, floats as {@link Float#floatToIntBits}
   * (as {@code DataOutput} writes them). Written straight into an array of the
   * exact size (a row is encoded for every commit that saw it change, so this is on the stream
   * thread's commit path).
   */
  public byte[] toBytes() {
    int n = values == null ? 0 : values.length;
    int s = state == null ? 0 : state.length;
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + Float.BYTES * (n + s));
    out.put((byte) FORMAT_VERSION);
    out.put((byte) (values == null ? 0 : 1));
    out.putLong(sightings);
    out.putLong(lastTouched);
    out.putLong(updates);
    out.putInt(n);
    out.putInt(s);
    for (int i = 0; i < n; i++) {
      out.putInt(Float.floatToIntBits(values[i]));
    }
    for (int i = 0; i < s; i++) {
      out.putInt(Float.floatToIntBits(state[i]));
    }
    return out.array();
  }

  /**
   * Parses {@link #toBytes()}, checking the shape against the table's.
   *
   * @throws IllegalArgumentException for a newer format, a truncated form or a shape mismatch
   */
  static EmbeddingRow fromBytes(String id, byte[] bytes, int dim, int stateLength) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      int format = in.readUnsignedByte();
      if (format > FORMAT_VERSION) {
        throw new IllegalArgumentException("embedding row '" + id + "': format version " + format
            + " is newer than this reader, which supports at most version " + FORMAT_VERSION);
      }
      boolean admitted = (in.readUnsignedByte() & 1) == 1;
      long sightings = in.readLong();
      long lastTouched = in.readLong();
      long updates = in.readLong();
      int n = in.readInt();
      int s = in.readInt();
      int expectedN = admitted ? dim : 0;
      int expectedS = admitted ? stateLength : 0;
      if (n != expectedN || s != expectedS) {
        throw new IllegalArgumentException("embedding row '" + id + "': has " + n + " values and "
            + s + " state values, this table expects " + expectedN + " and " + expectedS);
      }
      float[] values = admitted ? new float[n] : null;
      float[] state = admitted ? new float[s] : null;
      for (int i = 0; i < n; i++) {
        values[i] = in.readFloat();
      }
      for (int i = 0; i < s; i++) {
        state[i] = in.readFloat();
      }
      EmbeddingRow row = new EmbeddingRow(id, values, state);
      row.sightings = sightings;
      row.lastTouched = lastTouched;
      row.updates = updates;
      return row;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "embedding row '" + id + "': truncated or malformed (" + bytes.length + " bytes)", e);
    }
  }
}
