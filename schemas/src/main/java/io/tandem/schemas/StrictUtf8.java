package io.tandem.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decodes record bytes as UTF-8, refusing malformed or unmappable input instead of replacing it. */
final class StrictUtf8 {

  private StrictUtf8() {
  }

  /**
   * The text of {@code bytes}.
   *
   * @throws CharacterCodingException if the bytes are not well-formed UTF-8; its message says where
   */
  static String decode(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes)).toString();
  }
}
