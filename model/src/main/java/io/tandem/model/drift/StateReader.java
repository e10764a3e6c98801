package io.tandem.model.drift;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads a blob written by {@link StateWriter}, turning every malformation into an
 * {@link IllegalArgumentException} that names the detector and the problem.
 */
final class StateReader {

  private final String detector;
  private final DataInputStream in;

  /**
   * Checks the header: the magic, that the blob belongs to {@code detector}, and that its version
   * is at most {@code supportedVersion}.
   */
  StateReader(byte[] state, String detector, int supportedVersion) {
    Objects.requireNonNull(state, "state");
    this.detector = detector;
    this.in = new DataInputStream(new ByteArrayInputStream(state));
    try {
      int magic = in.readInt();
      if (magic != StateWriter.MAGIC) {
        throw malformed("not a detector state blob (bad magic 0x" + Integer.toHexString(magic) + ")");
      }
      String owner = in.readUTF();
      if (!owner.equals(detector)) {
        throw new IllegalArgumentException(
            detector + " state: blob belongs to detector '" + owner + "', not '" + detector + "'");
      }
      int version = in.readInt();
      if (version > supportedVersion) {
        throw new IllegalArgumentException(
            detector + " state: format version " + version + " is newer than this build; it"
                + " supports at most version " + supportedVersion);
      }
      if (version < 1) {
        throw malformed("format version must be at least 1, got " + version);
      }
    } catch (IOException e) {
      throw malformed("truncated header");
    }
  }

  int readInt() {
    try {
      return in.readInt();
    } catch (IOException e) {
      throw malformed("truncated");
    }
  }

  long readLong() {
    try {
      return in.readLong();
    } catch (IOException e) {
      throw malformed("truncated");
    }
  }

  double readDouble() {
    try {
      return in.readDouble();
    } catch (IOException e) {
      throw malformed("truncated");
    }
  }

  boolean readBoolean() {
    try {
      return in.readBoolean();
    } catch (IOException e) {
      throw malformed("truncated");
    }
  }

  /** Checks that a stored hyperparameter equals this detector's. */
  void expectSame(String setting, double stored, double own) {
    if (Double.compare(stored, own) != 0) {
      throw new IllegalArgumentException(
          detector + " state: was exported with " + setting + "=" + stored
              + " but this detector has " + setting + "=" + own);
    }
  }

  /** Fails unless {@code condition} holds for a decoded value. */
  void check(boolean condition, String what) {
    if (!condition) {
      throw malformed(what);
    }
  }

  /** Fails if bytes remain after the last expected field. */
  void finish() {
    try {
      if (in.available() > 0) {
        throw malformed(in.available() + " unexpected trailing bytes");
      }
    } catch (IOException e) {
      throw malformed("unreadable");
    }
  }

  IllegalArgumentException malformed(String why) {
    return new IllegalArgumentException(detector + " state: malformed: " + why);
  }
}
