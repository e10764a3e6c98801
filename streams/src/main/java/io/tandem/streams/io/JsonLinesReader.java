package io.tandem.streams.io;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a JSON-lines file one line at a time as raw bytes, so records reach Kafka exactly as they
 * are in the file (including lines that are not valid UTF-8 or not valid JSON, which the learner
 * must see and reject).
 *
 * <p>A line ends at {@code \n}; a {@code \r} right before it is dropped; empty lines are skipped.
 * Not thread-safe.
 */
public final class JsonLinesReader implements Closeable {

  private static final int BUFFER_BYTES = 1 << 16;

  private final InputStream in;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int position;
  private int limit;
  private boolean eof;
  private final ByteArrayOutputStream spill = new ByteArrayOutputStream(256);

  /**
   * Opens {@code file} for reading.
   *
   * @throws IOException if it cannot be opened
   */
  public JsonLinesReader(Path file) throws IOException {
    this.in = Files.newInputStream(file);
  }

  /**
   * The next non-empty line without its line terminator, or null at the end of the file.
   *
   * @throws IOException on a read error
   */
  public byte[] next() throws IOException {
    while (true) {
      byte[] line = nextRaw();
      if (line == null) {
        return null;
      }
      int length = line.length;
      if (length > 0 && line[length - 1] == '\r') {
        length--;
      }
      if (length > 0) {
        return length == line.length ? line : Arrays.copyOf(line, length);
      }
    }
  }

  /** The bytes up to the next '\n' (excluded), or the rest of the file, or null at its end. */
  private byte[] nextRaw() throws IOException {
    spill.reset();
    while (true) {
      if (position == limit) {
        if (eof || !fill()) {
          return spill.size() == 0 ? null : spill.toByteArray();
        }
      }
      for (int i = position; i < limit; i++) {
        if (buffer[i] == '\n') {
          byte[] line;
          if (spill.size() == 0) {
            line = Arrays.copyOfRange(buffer, position, i);
          } else {
            spill.write(buffer, position, i - position);
            line = spill.toByteArray();
          }
          position = i + 1;
          return line;
        }
      }
      spill.write(buffer, position, limit - position);
      position = limit;
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      eof = true;
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  /**
   * Counts the non-empty lines of a file (what {@link #next()} would return), for progress totals.
   *
   * @throws IOException on a read error
   */
  public static long countLines(Path file) throws IOException {
    long count = 0;
    boolean lineHasContent = false;
    byte[] buffer = new byte[BUFFER_BYTES];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          if (b == '\n') {
            if (lineHasContent) {
              count++;
            }
            lineHasContent = false;
          } else if (b != '\r') {
            lineHasContent = true;
          }
        }
      }
    }
    return lineHasContent ? count + 1 : count;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
