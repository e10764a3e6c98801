package io.tandem.streams.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Finds the Kafka key of a JSON record: the string value of its top-level {@code "user"} field.
 *
 * <p>Uses Jackson's streaming parser and stops at the field, so it does not build a tree. A record
 * that is not a JSON object, is malformed before the field, or has no string {@code user} has no
 * key (null): it is still sent, because deciding that it is invalid is the learner's job.
 * Thread-safe.
 */
public final class RecordKeys {

  private static final JsonFactory JSON = new JsonFactory();

  private RecordKeys() {}

  /**
   * The value of the top-level {@code user} field of {@code json}, or null when there is none.
   *
   * @param json one JSON object as UTF-8 bytes
   */
  public static String userOf(byte[] json) {
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("user".equals(field)) {
          return value == JsonToken.VALUE_STRING ? parser.getText() : null;
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
