package io.tandem.model.embedding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A collisionless embedding table keyed by raw id, as in Monolith (Liu et al. 2022): a hash map
 * from id to row, rows created on demand, no fixed vocabulary.
 *
 * <p>Frequency filter: an id is admitted (gets its own row) on its {@code admissionThreshold}-th
 * sighting in a learned event; until then it is pending (only its sighting count is kept) and
 * resolves to the table's shared, trainable default row. Unknown ids at prediction time resolve
 * to the default row too.
 *
 * <p>Initial values: uniform with standard deviation {@code initScale}, drawn from a
 * {@link SplittableRandom} seeded by the model seed, the table name and the id, so a row's
 * initial values do not depend on the order in which ids arrive (nothing random needs to be
 * snapshotted).
 *
 * <p>Expiry: {@link #expire(long, long)} drops every entry (admitted or pending, never the default
 * row) not referenced in the given span of learned events, and counts it.
 *
 * <p>Change tracking: every entry a learned event touches is marked dirty; {@link #drainDirty}
 * returns the dirty entries' binary forms and the ids evicted since the last drain (value null).
 *
 * <p>Not thread-safe.
 */
public final class EmbeddingTable {

  private final String name;
  private final int dim;
  private final int stateLength;
  private final int admissionThreshold;
  private final double initScale;
  private final long seed;
  private final HashMap<String, EmbeddingRow> entries = new HashMap<>();
  private final EmbeddingRow defaultRow;
  private final List<EmbeddingRow> dirty = new ArrayList<>();
  private final LinkedHashSet<String> evictedSinceDrain = new LinkedHashSet<>();
  private long rows;
  private long admissions;
  private long evictions;

  /**
   * @param name table name ({@code user}, {@code item}, {@code ctx.<field>})
   * @param dim row width
   * @param stateSlots optimizer state values per row value
   * @param admissionThreshold sightings needed for a row, &gt;= 1
   * @param initScale standard deviation of initial values
   * @param seed model seed
   */
  public EmbeddingTable(String name, int dim, int stateSlots, int admissionThreshold,
      double initScale, long seed) {
    this.name = Objects.requireNonNull(name, "name");
    this.dim = dim;
    this.stateLength = stateSlots * dim;
    this.admissionThreshold = admissionThreshold;
    this.initScale = initScale;
    this.seed = seed;
    this.defaultRow = newRow("");
  }

  /** The table name. */
  public String name() {
    return name;
  }

  /** Row width. */
  public int dim() {
    return dim;
  }

  /** The row an id resolves to, without changing anything: its own row or the default row. */
  public EmbeddingRow lookup(String id) {
    EmbeddingRow row = entries.get(id);
    return row != null && row.values != null ? row : defaultRow;
  }

  /**
   * Records a sighting of {@code id} in a learned event numbered {@code event} (admitting it
   * when it reaches the threshold) and returns the row the event trains: its own row or, while
   * pending, the default row. Marks the entry dirty.
   */
  public EmbeddingRow touch(String id, long event) {
    EmbeddingRow entry = entries.get(id);
    if (entry == null) {
      entry = new EmbeddingRow(id, null, null);
      entries.put(id, entry);
      evictedSinceDrain.remove(id);
    }
    entry.sightings++;
    entry.lastTouched = event;
    if (entry.values == null && entry.sightings >= admissionThreshold) {
      EmbeddingRow fresh = newRow(id);
      entry.values = fresh.values;
      entry.state = fresh.state;
      rows++;
      admissions++;
    }
    markDirty(entry);
    if (entry.values == null) {
      defaultRow.lastTouched = event;
      markDirty(defaultRow);
      return defaultRow;
    }
    return entry;
  }

  /** Marks a row changed (e.g. after an optimizer step). */
  public void markDirty(EmbeddingRow row) {
    if (!row.dirty) {
      row.dirty = true;
      dirty.add(row);
    }
  }

  /**
   * Evicts every entry whose last sighting is {@code span} or more learned events before
   * {@code now}. The default row never expires.
   *
   * @return the number of entries evicted
   */
  public int expire(long now, long span) {
    int before = entries.size();
    entries.values().removeIf(e -> {
      if (now - e.lastTouched < span) {
        return false;
      }
      e.evicted = true;
      if (e.values != null) {
        rows--;
      }
      evictedSinceDrain.add(e.id);
      return true;
    });
    int evicted = before - entries.size();
    evictions += evicted;
    return evicted;
  }

  /**
   * The entries changed since the last drain, id to binary form, then the ids evicted since
   * then, id to null; resets the change tracking.
   */
  public Map<String, byte[]> drainDirty() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (String id : evictedSinceDrain) {
      out.put(id, null);
    }
    for (EmbeddingRow row : dirty) {
      row.dirty = false;
      if (!row.evicted) {
        out.put(row.id, row.toBytes());
      }
    }
    dirty.clear();
    evictedSinceDrain.clear();
    return out;
  }

  /**
   * Installs an entry from its binary form (restore from a state store or snapshot); a null
   * form removes the entry. The default row is addressed by id {@code ""}. Not marked dirty.
   *
   * @throws IllegalArgumentException if the form is malformed or of another shape
   */
  public void importRow(String id, byte[] bytes) {
    if (id.isEmpty()) {
      if (bytes == null) {
        throw new IllegalArgumentException("table '" + name + "': the default row cannot be"
            + " removed");
      }
      EmbeddingRow row = EmbeddingRow.fromBytes(id, bytes, dim, stateLength);
      if (!row.admitted()) {
        throw new IllegalArgumentException("table '" + name + "': the default row must have"
            + " values");
      }
      defaultRow.values = row.values;
      defaultRow.state = row.state;
      defaultRow.sightings = row.sightings;
      defaultRow.lastTouched = row.lastTouched;
      defaultRow.updates = row.updates;
      return;
    }
    EmbeddingRow old = bytes == null ? entries.remove(id)
        : entries.put(id, EmbeddingRow.fromBytes(id, bytes, dim, stateLength));
    if (old != null && old.values != null) {
      rows--;
    }
    if (bytes != null && entries.get(id).values != null) {
      rows++;
    }
  }

  /** Every entry's binary form, the default row under id {@code ""}, sorted by id. */
  public Map<String, byte[]> exportAll() {
    Map<String, byte[]> out = new java.util.TreeMap<>();
    out.put("", defaultRow.toBytes());
    for (EmbeddingRow row : entries.values()) {
      out.put(row.id, row.toBytes());
    }
    return out;
  }

  /** Admitted rows held (the default row not counted). */
  public long rows() {
    return rows;
  }

  /** Pending ids held. */
  public long pending() {
    return entries.size() - rows;
  }

  /** Rows admitted since creation (restored with the counters). */
  public long admissions() {
    return admissions;
  }

  /** Entries evicted since creation. */
  public long evictions() {
    return evictions;
  }

  /** Restores the admission and eviction counters (from a dense blob). */
  public void restoreCounters(long admissionCount, long evictionCount) {
    this.admissions = admissionCount;
    this.evictions = evictionCount;
  }

  /** Forgets all change tracking (after a restore, or for a caller that keeps no row store). */
  public void clearDirty() {
    for (EmbeddingRow row : dirty) {
      row.dirty = false;
    }
    dirty.clear();
    evictedSinceDrain.clear();
  }

  /**
   * Estimated heap bytes of one admitted row: the two arrays, the row object and its hash-map
   * entry (id string excluded).
   */
  public long bytesPerRow() {
    long arrays = 16 + 4L * dim + (stateLength > 0 ? 16 + 4L * stateLength : 0);
    long rowObject = 64;
    long mapEntry = 32 + 8;
    return arrays + rowObject + mapEntry;
  }

  private EmbeddingRow newRow(String id) {
    long mixed = seed * 0x9E3779B97F4A7C15L + name.hashCode();
    mixed = mixed * 0xBF58476D1CE4E5B9L + id.hashCode();
    SplittableRandom random = new SplittableRandom(mixed);
    float[] values = new float[dim];
    double bound = initScale * Math.sqrt(3.0);
    for (int i = 0; i < dim; i++) {
      values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
    }
    return new EmbeddingRow(id, values, new float[stateLength]);
  }
}
