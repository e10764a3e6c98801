package io.tandem.streams.sync;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One stream task's dense parameters as published on {@code topics.model-sync}.
 *
 * <p>Binary layout, big-endian (no Java serialization): int magic {@code "TSYN"}, int format
 * version ({@value #FORMAT_VERSION}), long model fingerprint, long model version, long events
 * learned, long publication time (epoch ms), int parameter count {@code n}, then {@code n}
 * doubles: {@value #HEADER_BYTES} + 8n bytes. A reader rejects another magic and a newer format
 * ("supports at most version N").
 *
 * <p>A record holding an array: equality is that of the array reference (no value equality).
 *
 * @param fingerprint the publishing model's configuration and task-list fingerprint
 * @param modelVersion the publishing model's version (learning steps), &gt;= 0
 * @param events labelled events the publishing model learned, &gt;= 0
 * @param publishedAtMs wall-clock publication time, epoch milliseconds, &gt;= 0
 * @param parameters the dense parameters (layout of {@code MultiTaskModel#denseParameters}),
 *     finite; not copied: the caller hands the array over
 */
public record SyncRecord(long fingerprint, long modelVersion, long events, long publishedAtMs,
    double[] parameters) {

  /** Marks a sync record: the bytes of "TSYN". */
  public static final int MAGIC = 0x5453594E;
  /** Newest format this class writes and reads. */
  public static final int FORMAT_VERSION = 1;
  /** Bytes before the parameters. */
  public static final int HEADER_BYTES = 4 + 4 + 8 + 8 + 8 + 8 + 4;

  /** Validates the counters and the parameters. */
  public SyncRecord {
    Objects.requireNonNull(parameters, "parameters");
    if (modelVersion < 0) {
      throw new IllegalArgumentException("modelVersion: must be >= 0, got " + modelVersion);
    }
    if (events < 0) {
      throw new IllegalArgumentException("events: must be >= 0, got " + events);
    }
    if (publishedAtMs < 0) {
      throw new IllegalArgumentException("publishedAtMs: must be >= 0, got " + publishedAtMs);
    }
    for (int i = 0; i < parameters.length; i++) {
      if (!Double.isFinite(parameters[i])) {
        throw new IllegalArgumentException("parameters[" + i + "]: must be finite, got "
            + parameters[i]);
      }
    }
  }

  /** The binary form (see the class comment). */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + Double.BYTES * parameters.length);
    out.putInt(MAGIC).putInt(FORMAT_VERSION).putLong(fingerprint).putLong(modelVersion)
        .putLong(events).putLong(publishedAtMs).putInt(parameters.length);
    out.asDoubleBuffer().put(parameters);
    return out.array();
  }

  /**
   * Reads the binary form.
   *
   * @throws IllegalArgumentException for another magic, a newer format, a length that does not
   *     match the count, or an invalid field
   */
  public static SyncRecord fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int magic = in.getInt();
      if (magic != MAGIC) {
        throw new IllegalArgumentException("sync record: not a Tandem sync record (magic 0x"
            + Integer.toHexString(magic) + ")");
      }
      int format = in.getInt();
      if (format < 1 || format > FORMAT_VERSION) {
        throw new IllegalArgumentException("sync record: format version " + format
            + " is not readable by this build, which supports at most version "
            + FORMAT_VERSION);
      }
      long fingerprint = in.getLong();
      long version = in.getLong();
      long events = in.getLong();
      long publishedAt = in.getLong();
      int count = in.getInt();
      if (count < 0 || (long) count * Double.BYTES != in.remaining()) {
        throw new IllegalArgumentException("sync record: " + count + " parameters announced, "
            + in.remaining() + " bytes follow");
      }
      double[] parameters = new double[count];
      in.asDoubleBuffer().get(parameters);
      return new SyncRecord(fingerprint, version, events, publishedAt, parameters);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("sync record: truncated (" + bytes.length + " bytes)",
          e);
    }
  }

  /**
   * The record key of a stream task's parameters: {@code <applicationId>/<streamTask>}. The
   * application id keeps two applications that share the topic apart.
   */
  public static String key(String applicationId, String streamTask) {
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(streamTask, "streamTask");
    return applicationId + "/" + streamTask;
  }
}
