package io.tandem.streams.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tandem.model.generator.GeneratedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes a {@link GeneratedEvent} as the JSON of a {@code tandem.events} record, and its ground
 * truth as a truth line, byte for byte the same for the same event (fields in a fixed order,
 * numbers in Java's shortest form).
 *
 * <p>Event: {@code {"id","task","user","item","label","ts","context"}} (context omitted when
 * empty); a label that is a whole number is written without a fraction ({@code 1}, not {@code
 * 1.0}). Truth: {@code {"id","task","label","truth"}} — the label is repeated so that {@code tandem
 * evaluate} needs only the predictions and this file.
 *
 * <p>Thread-safety: stateless.
 */
public final class GeneratedEventJson {

  private static final JsonFactory JSON = new JsonFactory();
  private static final double LARGEST_EXACT_LONG = 9.007199254740992E15;

  private GeneratedEventJson() {}

  /** The event as one JSON object (UTF-8, no line terminator). */
  public static byte[] event(GeneratedEvent e) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("id", e.id());
      g.writeStringField("task", e.task());
      g.writeStringField("user", e.user());
      g.writeStringField("item", e.item());
      g.writeFieldName("label");
      writeNumber(g, e.label());
      g.writeNumberField("ts", e.ts());
      if (!e.context().isEmpty()) {
        g.writeObjectFieldStart("context");
        for (Map.Entry<String, Object> c : e.context().entrySet()) {
          g.writeFieldName(c.getKey());
          Object v = c.getValue();
          if (v instanceof String s) {
            g.writeString(s);
          } else if (v instanceof Double d) {
            g.writeNumber(d);
          } else {
            g.writeNumber(((Number) v).longValue());
          }
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    });
  }

  /** The truth line {@code {"id","task","label","truth"}} (UTF-8, no line terminator). */
  public static byte[] truth(GeneratedEvent e) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("id", e.id());
      g.writeStringField("task", e.task());
      g.writeFieldName("label");
      writeNumber(g, e.label());
      g.writeNumberField("truth", e.truth());
      g.writeEndObject();
    });
  }

  private static void writeNumber(JsonGenerator g, double value) throws IOException {
    if (value == Math.rint(value) && Math.abs(value) < LARGEST_EXACT_LONG) {
      g.writeNumber((long) value);
    } else {
      g.writeNumber(value);
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
    try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
    return bytes.toByteArray();
  }
}
