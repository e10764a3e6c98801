package io.tandem.model.snapshot;

import java.io.DataInput;
import java.io.IOException;

/**
 * Constants and header checks of Tandem's binary model formats (big-endian, no Java
 * serialization):
 *
 * <ul>
 *   <li>whole-model snapshot: int magic {@link #SNAPSHOT_MAGIC} ("TDMS"), int format version,
 *       the configuration and tasks ({@link ConfigCodec}), int length + dense blob, int row
 *       count, then per row: int length + {@link io.tandem.model.RowKey#toBytes() key}, int
 *       length + row bytes; rows sorted by table, then id;
 *   <li>dense blob: int magic {@link #DENSE_MAGIC} ("TDMD"), int format version, long config
 *       fingerprint, then the learner's counters, dense parameters, optimizer state, numeric
 *       standardiser, weighting and affinity state, table counters and (version 2) the
 *       transfer state: shadow candidate tower and recovery boosts ((version 4) the re-learning
 *       boost included; (version 5) the task-specific residuals).
 * </ul>
 *
 * A reader accepts its own {@link #VERSION} and older, and rejects a newer one with a message
 * saying which version it supports at most.
 */
public final class SnapshotFormat {

  /** "TDMS": whole-model snapshot. */
  public static final int SNAPSHOT_MAGIC = 0x54444d53;
  /** "TDMD": dense blob. */
  public static final int DENSE_MAGIC = 0x54444d44;
  /**
   * The format version this build writes and the newest it reads. Version 2 appends to the dense
   * blob the shadow candidate tower (int task index or -1; if present: double learning-rate
   * boost, long step count, its parameters and optimizer state as length-prefixed doubles) and
   * the recovery boosts (learning rate of a tower, then loss weight of a task: each int task index
   * or -1, double factor, long until-event); a version-1 blob
   * reads as "no shadow, no boost". Version 3 appends to the snapshot's configuration the
   * settings added since version 1 ({@code taskExperts}, {@code wide}); its dense blob is laid
   * out as in version 2. Version 4 appends to the dense blob the re-learning boost (int task
   * index or -1, double embedding factor, double shared-part factor, long until-event); an older
   * blob reads as "no re-learning boost". Version 5 appends to the dense blob the task-specific
   * residuals (promoted ones and a residual shadow candidate; layout in the model package's
   * {@code TransferState}); an older blob reads as "no residual".
   */
  public static final int VERSION = 5;

  private SnapshotFormat() {}

  /**
   * Reads and checks a magic number and format version.
   *
   * @return the format version read
   * @throws IllegalArgumentException on a wrong magic or a newer version
   */
  public static int readHeader(DataInput in, int magic, String what) throws IOException {
    int m = in.readInt();
    if (m != magic) {
      throw new IllegalArgumentException(what + ": not a Tandem " + what + " (magic 0x"
          + Integer.toHexString(m) + ", expected 0x" + Integer.toHexString(magic) + ")");
    }
    int version = in.readInt();
    if (version > VERSION || version < 1) {
      throw new IllegalArgumentException(what + ": format version " + version
          + " is not readable by this build, which supports at most version " + VERSION);
    }
    return version;
  }
}
