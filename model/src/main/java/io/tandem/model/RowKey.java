package io.tandem.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The address of one embedding row: its table and the raw id it embeds. The streams layer uses
 * {@link #toBytes()} as the key of the row's state-store entry.
 *
 * @param table {@code "user"}, {@code "item"} or {@code "ctx.<field>"}; non-empty
 * @param id the raw id; the empty string addresses the table's shared default row (the row that
 *     ids below the frequency-filter threshold, and unseen ids at prediction time, use)
 */
public record RowKey(String table, String id) {

  /** Validates: table non-empty, id non-null. */
  public RowKey {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(id, "id");
    if (table.isEmpty()) {
      throw new IllegalArgumentException("table: must be non-empty");
    }
  }

  /** The key of {@code table}'s shared default row. */
  public static RowKey defaultRow(String table) {
    return new RowKey(table, "");
  }

  /** Whether this key addresses a table's shared default row. */
  public boolean isDefaultRow() {
    return id.isEmpty();
  }

  /**
   * A stable binary form: 4-byte big-endian length of the UTF-8 table name, the table name, then
   * the UTF-8 id.
   */
  public byte[] toBytes() {
    byte[] t = table.getBytes(StandardCharsets.UTF_8);
    byte[] i = id.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + t.length + i.length).putInt(t.length).put(t).put(i).array();
  }

  /**
   * Parses {@link #toBytes()}.
   *
   * @throws IllegalArgumentException if the bytes are not such a form
   */
  public static RowKey fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < 4) {
      throw new IllegalArgumentException(
          "row key: needs at least 4 bytes, got " + bytes.length);
    }
    int tableLength = ByteBuffer.wrap(bytes, 0, 4).getInt();
    if (tableLength < 1 || tableLength > bytes.length - 4) {
      throw new IllegalArgumentException("row key: table length " + tableLength
          + " does not fit in " + bytes.length + " bytes");
    }
    String table = new String(bytes, 4, tableLength, StandardCharsets.UTF_8);
    String id = new String(bytes, 4 + tableLength, bytes.length - 4 - tableLength,
        StandardCharsets.UTF_8);
    return new RowKey(table, id);
  }
}
