package io.tandem.schemas;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded generator of labelled-event and prediction-request JSON <em>text</em> (not trees, so that number
 * spellings, string escapes, whitespace, key order, duplicate keys and broken bytes can all be produced), valid
 * ones and mutated ones. Used by {@link StreamingFastPathTest} to compare the fast path with the tree path.
 */
final class ContractJsonGenerator {
  /** Declared tasks in the tests' catalog; "ghost" is never declared. */
  private static final String[] TASK_NAMES = {"ctr", "preference", "ghost"};
  private static final String[] EVENT_FIELDS = {"id", "task", "user", "item", "label", "ts", "context"};
  private static final String[] REQUEST_FIELDS = {"id", "user", "item", "tasks", "ts", "context"};

  private final SplittableRandom random;

  ContractJsonGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A labelled event as a producer might write it: valid JSON, valid by the schema, any spelling. */
  String event() {
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"id", quoted(id())});
    fields.add(new String[] {"task", quoted(TASK_NAMES[random.nextInt(random.nextInt(20) == 0 ? 3 : 2)])});
    fields.add(new String[] {"user", quoted(id())});
    fields.add(new String[] {"item", random.nextInt(10) == 0 ? raw("i\\u0031\\/\\n\\t\\u00e9") : quoted(id())});
    fields.add(new String[] {"label", label()});
    fields.add(new String[] {"ts", timestamp()});
    if (random.nextInt(3) > 0) {
      fields.add(new String[] {"context", context(random.nextInt(8) == 0 ? 64 : random.nextInt(6))});
    }
    return object(fields);
  }

  /** A prediction request as a producer might write it. */
  String request() {
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"id", quoted(id())});
    fields.add(new String[] {"user", quoted(id())});
    fields.add(new String[] {"item", quoted(id())});
    if (random.nextBoolean()) {
      fields.add(new String[] {"tasks", taskList()});
    }
    fields.add(new String[] {"ts", timestamp()});
    if (random.nextBoolean()) {
      fields.add(new String[] {"context", context(random.nextInt(5))});
    }
    return object(fields);
  }

  /** A labelled event with one to three random edits, each of which may or may not break it. */
  byte[] mutatedEvent() {
    return mutate(event(), EVENT_FIELDS);
  }

  /** A prediction request with one to three random edits. */
  byte[] mutatedRequest() {
    return mutate(request(), REQUEST_FIELDS);
  }

  private byte[] mutate(String json, String[] fields) {
    String text = json;
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      String field = random.nextInt(10) == 0 ? "extra" : fields[random.nextInt(fields.length)];
      text = switch (random.nextInt(12)) {
        case 0 -> removeField(text, field);
        case 1 -> prependField(text, field, anyValue(0));
        case 2 -> replaceField(text, field, anyValue(0));
        case 3 -> replaceField(text, field, edgeNumber());
        case 4 -> replaceField(text, field, quoted(edgeString()));
        case 5 -> replaceField(text, field, field.equals("tasks") ? taskList() : context(random.nextInt(70)));
        case 6 -> text.substring(0, random.nextInt(text.length() + 1));
        case 7 -> text + trailer();
        case 8 -> replaceField(text, field, brokenLiteral());
        case 9 -> random.nextBoolean() ? "[" + text + "]" : quoted(text);
        case 10 -> prependField(text, field, quoted(id()));
        default -> text;
      };
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return random.nextInt(12) == 0 ? corruptBytes(bytes) : bytes;
  }

  // ---- valid pieces ----

  private String object(List<String[]> fields) {
    Collections.shuffle(fields, new java.util.Random(random.nextLong()));
    StringBuilder out = new StringBuilder().append(space()).append('{');
    for (int i = 0; i < fields.size(); i++) {
      out.append(i == 0 ? "" : ",").append(space()).append(quoted(fields.get(i)[0])).append(space())
          .append(':').append(space()).append(fields.get(i)[1]).append(space());
    }
    return out.append('}').append(space()).toString();
  }

  private String space() {
    return switch (random.nextInt(12)) {
      case 0 -> " ";
      case 1 -> "\n\t ";
      case 2 -> "\r\n";
      default -> "";
    };
  }

  /** Ids: mostly plain, sometimes escaped, non-ASCII, surrogate pairs or at the length limits. */
  private String id() {
    return switch (random.nextInt(14)) {
      case 0 -> "u\"q\\b/" + random.nextInt(100);
      case 1 -> "\u00e9l\u00e8ve-" + random.nextInt(100);
      case 2 -> "\uD83D\uDE00" + random.nextInt(100);
      case 3 -> "x".repeat(256);
      case 4 -> "\uD83D\uDE00".repeat(128);
      case 5 -> "tab\there\u0001" + random.nextInt(10);
      case 6 -> "\u007fdel";
      default -> "u" + random.nextInt(5_000);
    };
  }

  private String label() {
    return switch (random.nextInt(12)) {
      case 0 -> "0";
      case 1 -> "1";
      case 2 -> "-0";
      case 3 -> "1.0";
      case 4 -> "1e0";
      case 5 -> "-0.0";
      case 6 -> "3";
      case 7 -> "1E+0";
      case 8 -> "0.5e1";
      default -> Double.toString(1 + 4 * random.nextDouble());
    };
  }

  private String timestamp() {
    return switch (random.nextInt(8)) {
      case 0 -> "0";
      case 1 -> Long.toString(Long.MAX_VALUE);
      case 2 -> "2147483648";
      default -> Long.toString(1_764_300_000_000L + random.nextInt(1_000_000));
    };
  }

  private String context(int size) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      String key = random.nextInt(10) == 0 ? raw("k\\u00e9" + i) : quoted(random.nextInt(30) == 0 ? "" : "f" + i);
      out.append(i == 0 ? "" : ",").append(space()).append(key).append(':').append(contextValue());
    }
    return out.append(space()).append('}').toString();
  }

  private String contextValue() {
    return switch (random.nextInt(10)) {
      case 0, 1 -> random.nextBoolean() ? quoted("mobile") : raw("d\u00e9sk\\u2603\\\"");
      case 2 -> Integer.toString(random.nextInt(24));
      case 3 -> Double.toString(random.nextGaussian() * 1e6);
      case 4 -> edgeNumber();
      case 5 -> quoted("s".repeat(255 + random.nextInt(3)));
      default -> Double.toString(random.nextDouble());
    };
  }

  private String taskList() {
    int size = random.nextInt(10) == 0 ? 63 + random.nextInt(3) : random.nextInt(3);
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < size; i++) {
      String task = size > 2 ? "t" + i : i == 0 ? "ctr" : "preference";
      out.append(i == 0 ? "" : ",").append(space()).append(quoted(random.nextInt(40) == 0 ? "ghost" : task));
    }
    return out.append(']').toString();
  }

  // ---- edits ----

  private String edgeNumber() {
    return switch (random.nextInt(16)) {
      case 0 -> "1e3";
      case 1 -> "-0.0";
      case 2 -> "-0";
      case 3 -> "9223372036854775807";
      case 4 -> "9223372036854775808";
      case 5 -> "-9223372036854775809";
      case 6 -> "123456789012345678901234567890";
      case 7 -> "1e400";
      case 8 -> "-1e400";
      case 9 -> "1e-400";
      case 10 -> "5.0";
      case 11 -> "-1";
      case 12 -> "4.9E-324";
      case 13 -> "1.7976931348623157E308";
      case 14 -> "0." + "3".repeat(40);
      default -> Long.toString(random.nextLong());
    };
  }

  private String edgeString() {
    return switch (random.nextInt(7)) {
      case 0 -> "";
      case 1 -> "x".repeat(255 + random.nextInt(3));
      case 2 -> "\uD83D\uDE00".repeat(127 + random.nextInt(3));
      case 3 -> "\uD83D\uDE00".repeat(256 + random.nextInt(2));
      default -> "s" + random.nextInt(100);
    };
  }

  private String anyValue(int depth) {
    return switch (random.nextInt(depth > 1 ? 5 : 7)) {
      case 0 -> "null";
      case 1 -> random.nextBoolean() ? "true" : "false";
      case 2 -> random.nextBoolean() ? quoted(edgeString()) : raw("\\ud83d");
      case 3 -> edgeNumber();
      case 4 -> quoted(id());
      case 5 -> "[" + anyValue(depth + 1) + "," + anyValue(depth + 1) + "]";
      default -> "{\"k\":" + anyValue(depth + 1) + "}";
    };
  }

  private String brokenLiteral() {
    String[] broken = {"NaN", "Infinity", "-Infinity", "01", "+1", "1.", ".5", "1e", "tru", "\"open", "'x'",
      "0x10", "1_000", "--1", "\"\\x\"", "\"\\u12\""};
    return broken[random.nextInt(broken.length)];
  }

  private String trailer() {
    String[] trailers = {"x", "{}", " 1", ",", "]", "\n", " ", "null", "\u0000"};
    return trailers[random.nextInt(trailers.length)];
  }

  private static int keyStart(String text, String field) {
    return text.indexOf(quoted(field));
  }

  private String removeField(String text, String field) {
    int start = keyStart(text, field);
    if (start < 0) {
      return text;
    }
    int end = valueEnd(text, text.indexOf(':', start) + 1);
    return text.substring(0, start) + text.substring(Math.min(text.length(), end + 1));
  }

  private String replaceField(String text, String field, String value) {
    int start = keyStart(text, field);
    if (start < 0) {
      return prependField(text, field, value);
    }
    int valueStart = text.indexOf(':', start) + 1;
    return text.substring(0, valueStart) + value + text.substring(valueEnd(text, valueStart));
  }

  private String prependField(String text, String field, String value) {
    int brace = text.indexOf('{');
    if (brace < 0) {
      return text;
    }
    return text.substring(0, brace + 1) + quoted(field) + ":" + value + "," + text.substring(brace + 1);
  }

  /** End of the JSON value starting at {@code from}: a rough scan that respects strings and nesting. */
  private static int valueEnd(String text, int from) {
    int depth = 0;
    boolean inString = false;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          return i;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return text.length();
  }

  private byte[] corruptBytes(byte[] bytes) {
    if (bytes.length == 0) {
      return bytes;
    }
    byte[] copy = bytes.clone();
    switch (random.nextInt(4)) {
      case 0 -> copy[random.nextInt(copy.length)] = (byte) (0x80 + random.nextInt(0x80));
      case 1 -> copy[random.nextInt(copy.length)] = (byte) random.nextInt(0x20);
      case 2 -> {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] out = new byte[copy.length + 3];
        System.arraycopy(bom, 0, out, 0, 3);
        System.arraycopy(copy, 0, out, 3, copy.length);
        return out;
      }
      default -> {
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        int at = Math.max(0, new String(copy, StandardCharsets.UTF_8).indexOf('"') + 1);
        byte[] out = new byte[copy.length + 3];
        System.arraycopy(copy, 0, out, 0, at);
        System.arraycopy(surrogate, 0, out, at, 3);
        System.arraycopy(copy, at, out, at + 3, copy.length - at);
        return out;
      }
    }
    return copy;
  }

  /** A JSON string literal whose content is written as given (escape sequences included). */
  static String raw(String content) {
    return '"' + content + '"';
  }

  /** A JSON string literal: quotes, backslashes and control characters escaped, the rest raw. */
  static String quoted(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
