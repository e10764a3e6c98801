package io.tandem.streams.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonlLineReaderTest {

  /** Records what the reader hands over, as "lineNumber:text" or "lineNumber:oversized:length". */
  private static final class Recorder implements JsonlLineReader.LineSink {
    final List<String> seen = new ArrayList<>();

    @Override
    public void line(byte[] buffer, int offset, int length, long lineNumber) {
      seen.add(lineNumber + ":" + new String(buffer, offset, length, StandardCharsets.UTF_8));
    }

    @Override
    public void oversized(long lineNumber, long length) {
      seen.add(lineNumber + ":oversized:" + length);
    }
  }

  /** An input stream that returns at most a few bytes per read, to cross refill boundaries. */
  private static InputStream trickle(byte[] bytes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(7)));
      }
    };
  }

  private static List<String> read(InputStream in, int maxLineBytes) throws IOException {
    Recorder recorder = new Recorder();
    new JsonlLineReader(in, maxLineBytes).forEach(recorder);
    return recorder.seen;
  }

  @Test
  void shouldSplitLinesDroppingCrAndBlankLinesButKeepingLineNumbers() throws IOException {
    byte[] input = "{\"a\":1}\r\n\n{\"b\":\"é\"}\n   \nlast".getBytes(StandardCharsets.UTF_8);

    List<String> seen = read(trickle(input, 1), 100);

    assertThat(seen).containsExactly("1:{\"a\":1}", "3:{\"b\":\"é\"}", "4:   ", "5:last");
  }

  @Test
  void shouldSkipALeadingByteOrderMark() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] text = "x\ny\n".getBytes(StandardCharsets.UTF_8);
    byte[] input = new byte[bom.length + text.length];
    System.arraycopy(bom, 0, input, 0, bom.length);
    System.arraycopy(text, 0, input, bom.length, text.length);

    assertThat(read(new ByteArrayInputStream(input), 10)).containsExactly("1:x", "2:y");
  }

  @Test
  void shouldReportOversizedLinesWithoutBufferingThem() throws IOException {
    // Given lines of 10 bytes (the limit), 11 bytes and 3 MB (larger than the whole buffer)
    String big = "z".repeat(3_000_000);
    String input = "0123456789\n01234567890\n" + big + "\nok\n" + big;

    List<String> seen = read(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), 10);

    assertThat(seen)
        .containsExactly(
            "1:0123456789", "2:oversized:11", "3:oversized:3000000", "4:ok",
            "5:oversized:3000000");
  }

  @Test
  void shouldHandOverManyLinesAcrossBufferRefillsIntact() throws IOException {
    // Given 200,000 numbered lines (several MB, i.e. several buffer refills)
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 200_000; i++) {
      text.append("{\"id\":\"e-").append(i).append("\"}\n");
    }

    List<String> seen = read(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)), 64);

    assertThat(seen).hasSize(200_000);
    assertThat(seen.get(0)).isEqualTo("1:{\"id\":\"e-1\"}");
    assertThat(seen.get(123_456)).isEqualTo("123457:{\"id\":\"e-123457\"}");
    assertThat(seen.get(199_999)).isEqualTo("200000:{\"id\":\"e-200000\"}");
  }
}
