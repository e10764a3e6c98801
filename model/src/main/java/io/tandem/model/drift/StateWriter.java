package io.tandem.model.drift;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a detector's state blob: a header (format magic, detector name, format version) followed
 * by big-endian primitives. The matching reader is {@link StateReader}.
 */
final class StateWriter {

  /** Marks a Tandem detector state blob ("TDDS"). */
  static final int MAGIC = 0x54444453;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
  private final DataOutputStream out = new DataOutputStream(bytes);

  StateWriter(String detector, int version) {
    try {
      out.writeInt(MAGIC);
      out.writeUTF(detector);
      out.writeInt(version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  StateWriter writeInt(int value) {
    try {
      out.writeInt(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  StateWriter writeLong(long value) {
    try {
      out.writeLong(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  StateWriter writeDouble(double value) {
    try {
      out.writeDouble(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  StateWriter writeBoolean(boolean value) {
    try {
      out.writeBoolean(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }
}
