package io.tandem.streams.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesReaderTest {

  @TempDir
  Path dir;

  private static List<byte[]> readAll(Path file) throws IOException {
    List<byte[]> lines = new ArrayList<>();
    try (JsonLinesReader reader = new JsonLinesReader(file)) {
      byte[] line;
      while ((line = reader.next()) != null) {
        lines.add(line);
      }
    }
    return lines;
  }

  @Test
  void shouldReturnLinesWithoutTerminatorsSkippingEmptyOnesAndDroppingCarriageReturns() throws IOException {
    // Given LF and CRLF endings, blank lines and no final newline
    Path file = dir.resolve("mixed.jsonl");
    Files.write(file, "{\"a\":1}\n\n{\"b\":2}\r\n\r\n{\"c\":3}".getBytes(StandardCharsets.UTF_8));

    // When
    List<byte[]> lines = readAll(file);

    // Then
    assertThat(lines).extracting(b -> new String(b, StandardCharsets.UTF_8))
        .containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
    assertThat(JsonLinesReader.countLines(file)).isEqualTo(3);
  }

  @Test
  void shouldKeepBytesThatAreNotValidUtf8() throws IOException {
    // Given a line containing a lone 0xC3 continuation-less byte and an 0xFF byte
    byte[] invalid = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0xFF, '"', '}'};
    Path file = dir.resolve("bad.jsonl");
    byte[] content = new byte[invalid.length + 1];
    System.arraycopy(invalid, 0, content, 0, invalid.length);
    content[invalid.length] = '\n';
    Files.write(file, content);

    // When / Then the bytes come back exactly
    assertThat(readAll(file)).singleElement().isEqualTo(invalid);
  }

  @Test
  void shouldCountZeroLinesInAnEmptyOrBlankFile() throws IOException {
    Path file = dir.resolve("blank.jsonl");
    Files.write(file, "\n\r\n\n".getBytes(StandardCharsets.UTF_8));

    assertThat(JsonLinesReader.countLines(file)).isZero();
    assertThat(readAll(file)).isEmpty();
  }

  @Test
  void shouldReadLinesLongerThanTheReadBuffer() throws IOException {
    // Given a 200,000-byte line (three buffers' worth) between two short ones
    String longLine = "{\"x\":\"" + "a".repeat(200_000) + "\"}";
    Path file = dir.resolve("long.jsonl");
    Files.write(file, ("{\"a\":1}\n" + longLine + "\r\n{\"b\":2}\n").getBytes(StandardCharsets.UTF_8));

    // When / Then
    assertThat(readAll(file)).extracting(b -> new String(b, StandardCharsets.UTF_8))
        .containsExactly("{\"a\":1}", longLine, "{\"b\":2}");
  }
}
