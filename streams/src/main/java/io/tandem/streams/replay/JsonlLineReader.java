package io.tandem.streams.replay;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Splits a byte stream into JSON Lines without decoding it: each line is handed over as a slice
 * of a reused buffer, so reading costs one {@code System.arraycopy} per buffer refill and no
 * per-line allocation.
 *
 * <p>Lines end at {@code \n}; a {@code \r} before it is dropped; a last line without a newline
 * counts. A UTF-8 byte order mark at the very start is skipped. Empty lines are skipped (their
 * numbers still count, so reported line numbers match an editor's). A line longer than the limit
 * is not buffered: it is skipped up to its newline and reported through
 * {@link LineSink#oversized}, so one huge line cannot exhaust memory.
 *
 * <p>Not thread-safe; reads its stream once. The caller closes the stream.
 */
final class JsonlLineReader {

  /** Receives the lines of a {@link JsonlLineReader}. */
  interface LineSink {

    /**
     * One non-empty line.
     *
     * @param buffer the reader's buffer; valid only during this call, never to be modified
     * @param offset start of the line in {@code buffer}
     * @param length length in bytes, without the line terminator; at least 1
     * @param lineNumber 1-based line number in the input
     */
    void line(byte[] buffer, int offset, int length, long lineNumber) throws IOException;

    /** A line of {@code length} bytes, over the limit, that was skipped. */
    void oversized(long lineNumber, long length) throws IOException;
  }

  private static final int MIN_BUFFER = 1 << 20;

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buffer;

  /**
   * @param in the input, read to its end; not null
   * @param maxLineBytes longest line handed over, at least 1
   */
  JsonlLineReader(InputStream in, int maxLineBytes) {
    this.in = Objects.requireNonNull(in, "in");
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes: must be >= 1, got " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.buffer = new byte[Math.max(MIN_BUFFER, maxLineBytes + 2)];
  }

  /**
   * Reads the whole stream, passing every line to {@code sink}.
   *
   * @return the number of lines read, empty and oversized ones included
   */
  long forEach(LineSink sink) throws IOException {
    int start = 0;
    int end = 0;
    int scan = 0;
    long lineNumber = 0;
    boolean first = true;
    long skipping = -1;
    while (true) {
      int newline = -1;
      for (int i = scan; i < end; i++) {
        if (buffer[i] == '\n') {
          newline = i;
          break;
        }
      }
      if (newline >= 0) {
        lineNumber++;
        if (skipping >= 0) {
          sink.oversized(lineNumber, skipping + (newline - start));
          skipping = -1;
        } else {
          emit(sink, start, newline, lineNumber, first);
        }
        first = false;
        start = newline + 1;
        scan = start;
        continue;
      }
      if (skipping >= 0) {
        skipping += end - start;
        start = 0;
        end = 0;
      } else if (end - start > maxLineBytes + 1) {
        skipping = end - start;
        start = 0;
        end = 0;
      } else if (start > 0) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
      }
      scan = end;
      int read = in.read(buffer, end, buffer.length - end);
      if (read < 0) {
        break;
      }
      end += read;
    }
    if (skipping >= 0) {
      sink.oversized(++lineNumber, skipping);
    } else if (end > start) {
      emit(sink, start, end, ++lineNumber, first);
    }
    return lineNumber;
  }

  private void emit(LineSink sink, int from, int to, long lineNumber, boolean first)
      throws IOException {
    if (first && to - from >= 3 && buffer[from] == (byte) 0xEF && buffer[from + 1] == (byte) 0xBB
        && buffer[from + 2] == (byte) 0xBF) {
      from += 3;
    }
    if (to > from && buffer[to - 1] == '\r') {
      to--;
    }
    int length = to - from;
    if (length == 0) {
      return;
    }
    if (length > maxLineBytes) {
      sink.oversized(lineNumber, length);
      return;
    }
    sink.line(buffer, from, length, lineNumber);
  }
}
