package io.tandem.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shortcut must never accept what the real JSON Schema validator rejects (soundness), and must
 * accept the ordinary valid records (else it saves nothing).
 */
class ConformingShapesTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int TREES = 20_000;

  private static Schema load(String file) throws IOException {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    try (InputStream in = ConformingShapesTest.class.getResourceAsStream(Codecs.SCHEMA_FOLDER + file)) {
      Schema schema = registry.getSchema(in);
      schema.initializeValidators();
      return schema;
    }
  }

  @Test
  void shouldAcceptOnlyEventsTheSchemaAccepts() throws IOException {
    // Given the real validator and seeded valid and mutated event trees
    Schema schema = load("labelled-event.schema.json");
    SplittableRandom random = new SplittableRandom(8);
    // When both judge every tree
    Verdicts verdicts = judge(schema, ConformingShapes::labelledEvent, () -> mutate(event(random), random),
        TREES);
    // Then no tree is accepted by the shortcut and rejected by the schema, and both outcomes occur
    assertThat(verdicts.unsound).isEmpty();
    assertThat(verdicts.shortcutAccepted).isGreaterThan(TREES / 10);
    assertThat(verdicts.schemaRejected).isGreaterThan(TREES / 10);
    assertThat(verdicts.leftToValidatorButValid).isPositive();
  }

  @Test
  void shouldAcceptOnlyRequestsTheSchemaAccepts() throws IOException {
    Schema schema = load("prediction-request.schema.json");
    SplittableRandom random = new SplittableRandom(9);
    Verdicts verdicts = judge(schema, ConformingShapes::predictionRequest,
        () -> mutate(request(random), random), TREES);
    assertThat(verdicts.unsound).isEmpty();
    assertThat(verdicts.shortcutAccepted).isGreaterThan(TREES / 10);
    assertThat(verdicts.schemaRejected).isGreaterThan(TREES / 10);
  }

  @Test
  void shouldAcceptEveryOrdinaryValidRecord() throws IOException {
    // Given unmutated records as producers write them
    Schema events = load("labelled-event.schema.json");
    Schema requests = load("prediction-request.schema.json");
    SplittableRandom random = new SplittableRandom(10);
    for (int i = 0; i < 2_000; i++) {
      ObjectNode event = event(random);
      ObjectNode request = request(random);
      // Then the schema accepts them and so does the shortcut
      assertThat(events.validate(event)).as("%s", event).isEmpty();
      assertThat(ConformingShapes.labelledEvent(event)).as("%s", event).isTrue();
      assertThat(requests.validate(request)).as("%s", request).isEmpty();
      assertThat(ConformingShapes.predictionRequest(request)).as("%s", request).isTrue();
    }
  }

  @Test
  void shouldLeaveIntegralFractionsAndLongCodePointStringsToTheValidator() {
    // Both are valid by the schema; the shortcut does not decide them
    ObjectNode fractionTs = event(new SplittableRandom(1)).put("ts", 5.0);
    ObjectNode emojiUser = event(new SplittableRandom(2)).put("user", "\uD83D\uDE00".repeat(200));
    assertThat(ConformingShapes.labelledEvent(fractionTs)).isFalse();
    assertThat(ConformingShapes.labelledEvent(emojiUser)).isFalse();
  }

  private record Verdicts(List<String> unsound, int shortcutAccepted, int schemaRejected,
              int leftToValidatorButValid) {
  }

  private static Verdicts judge(Schema schema, Predicate<JsonNode> shortcut,
      java.util.function.Supplier<JsonNode> trees, int count) {
    List<String> unsound = new ArrayList<>();
    int accepted = 0;
    int rejected = 0;
    int leftButValid = 0;
    for (int i = 0; i < count; i++) {
      JsonNode tree = trees.get();
      boolean fast = shortcut.test(tree);
      boolean valid = schema.validate(tree).isEmpty();
      accepted += fast ? 1 : 0;
      rejected += valid ? 0 : 1;
      leftButValid += !fast && valid ? 1 : 0;
      if (fast && !valid) {
        unsound.add(tree.toString());
      }
    }
    return new Verdicts(unsound, accepted, rejected, leftButValid);
  }

  private static ObjectNode event(SplittableRandom random) {
    ObjectNode n = NODES.objectNode();
    n.put("id", "e-" + random.nextInt(1_000_000));
    n.put("task", random.nextBoolean() ? "ctr" : "preference");
    n.put("user", "u" + random.nextInt(5_000));
    n.put("item", "i" + random.nextInt(2_000));
    if (random.nextBoolean()) {
      n.put("label", random.nextInt(2));
    } else {
      n.put("label", 1 + 4 * random.nextDouble());
    }
    n.put("ts", 1_764_300_000_000L + random.nextInt(1_000_000));
    if (random.nextBoolean()) {
      ObjectNode context = n.putObject("context");
      context.put("device", random.nextBoolean() ? "mobile" : "desktop");
      context.put("hour", random.nextInt(24));
      context.put("price", random.nextDouble() * 100);
    }
    return n;
  }

  private static ObjectNode request(SplittableRandom random) {
    ObjectNode n = event(random);
    n.remove("task");
    n.remove("label");
    if (random.nextBoolean()) {
      ArrayNode tasks = n.putArray("tasks");
      tasks.add("ctr");
      if (random.nextBoolean()) {
        tasks.add("preference");
      }
    }
    return n;
  }

  private static final String[] FIELDS = {"id", "task", "user", "item", "label", "ts", "context", "tasks", "extra"};

  /** Applies one to three random edits; each edit may or may not break the schema. */
  private static JsonNode mutate(ObjectNode tree, SplittableRandom random) {
    if (random.nextInt(10) == 0) {
      return random.nextBoolean() ? NODES.arrayNode().add(tree) : NODES.stringNode(tree.toString());
    }
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      String field = FIELDS[random.nextInt(FIELDS.length)];
      switch (random.nextInt(5)) {
        case 0 -> tree.remove(field);
        case 1 -> tree.set(field, anyValue(random, 0));
        case 2 -> tree.set(field, NODES.stringNode(string(random)));
        case 3 -> tree.set(field, number(random));
        default -> tree.set(field, field.equals("tasks") ? taskList(random) : context(random));
      }
    }
    return tree;
  }

  private static JsonNode anyValue(SplittableRandom random, int depth) {
    return switch (random.nextInt(depth > 2 ? 5 : 7)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.stringNode(string(random));
      case 3, 4 -> number(random);
      case 5 -> NODES.arrayNode().add(anyValue(random, depth + 1)).add(anyValue(random, depth + 1));
      default -> NODES.objectNode().set("k", anyValue(random, depth + 1));
    };
  }

  private static JsonNode number(SplittableRandom random) {
    return switch (random.nextInt(7)) {
      case 0 -> NODES.numberNode(random.nextInt(3) - 1);
      case 1 -> NODES.numberNode(random.nextLong());
      case 2 -> NODES.numberNode(random.nextDouble() * 10 - 5);
      case 3 -> NODES.numberNode(5.0);
      case 4 -> NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
      case 5 -> NODES.numberNode(new java.math.BigDecimal("-0.0"));
      default -> NODES.numberNode(-random.nextInt(1_000) - 1L);
    };
  }

  private static String string(SplittableRandom random) {
    return switch (random.nextInt(6)) {
      case 0 -> "";
      case 1 -> "x".repeat(255 + random.nextInt(3));
      case 2 -> "\uD83D\uDE00".repeat(127 + random.nextInt(3));
      case 3 -> "\uD83D\uDE00".repeat(256 + random.nextInt(2));
      default -> "s" + random.nextInt(100);
    };
  }

  private static JsonNode context(SplittableRandom random) {
    ObjectNode context = NODES.objectNode();
    int size = random.nextInt(4) == 0 ? 63 + random.nextInt(3) : random.nextInt(4);
    for (int i = 0; i < size; i++) {
      JsonNode value = random.nextInt(4) == 0 ? anyValue(random, 1)
          : random.nextBoolean() ? NODES.stringNode(string(random)) : number(random);
      context.set("f" + i, value);
    }
    return context;
  }

  private static JsonNode taskList(SplittableRandom random) {
    ArrayNode tasks = NODES.arrayNode();
    int size = random.nextInt(4) == 0 ? 63 + random.nextInt(3) : random.nextInt(4);
    for (int i = 0; i < size; i++) {
      tasks.add(random.nextInt(5) == 0 ? anyValue(random, 1)
          : NODES.stringNode(random.nextInt(6) == 0 ? "t0" : random.nextInt(3) == 0 ? string(random) : "t" + i));
    }
    return tasks;
  }
}
