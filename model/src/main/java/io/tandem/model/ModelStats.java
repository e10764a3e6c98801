package io.tandem.model;

import java.util.Map;
import java.util.Objects;

/**
 * A point-in-time summary of a model's size, for monitoring.
 *
 * @param tables per embedding table name ({@code user}, {@code item}, {@code ctx.<field>})
 * @param bytesPerRow estimated heap bytes of one admitted row (values, optimizer state, object
 *     and map-entry overhead; the id string not included)
 * @param denseParameters number of dense parameters (shared part plus towers)
 * @param version the model version ({@link MultiTaskModel#version()})
 */
public record ModelStats(
    Map<String, TableStats> tables, long bytesPerRow, int denseParameters, long version) {

  /** Copies the map. */
  public ModelStats {
    tables = Map.copyOf(Objects.requireNonNull(tables, "tables"));
  }

  /**
   * Counters of one embedding table.
   *
   * @param rows admitted rows now held (the default row not counted)
   * @param pending ids seen but not yet admitted by the frequency filter
   * @param admissions rows created since the model was created (restored with a snapshot)
   * @param evictions rows and pending ids expired since the model was created
   */
  public record TableStats(long rows, long pending, long admissions, long evictions) {}
}
