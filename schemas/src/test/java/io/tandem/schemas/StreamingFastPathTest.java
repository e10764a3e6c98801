package io.tandem.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path must decode to exactly what the tree + validator path decodes: the same record (context
 * order included) for every input it accepts, and — through {@link JsonCodec#decode} — the same value or the same
 * rejection, reason and message, for every input at all. It must also accept the ordinary valid record, or it
 * saves nothing.
 */
class StreamingFastPathTest {
  private static final TaskCatalog TASKS = TaskCatalog.of(List.of(
      TaskDeclaration.binary("ctr", 1.0), TaskDeclaration.regression("preference", 1.0, 5.0, 0.5)));
  private static final JsonCodec<LabelledEvent> EVENTS = Codecs.labelledEvents(TASKS);
  private static final JsonCodec<PredictionRequest> REQUESTS = Codecs.requests(TASKS);
  private static final StreamingFastPath<LabelledEvent> FAST_EVENTS =
      new StreamingFastPath<>(JsonCodec.MAPPER.tokenStreamFactory(), ContractReaders::labelledEvent);
  private static final StreamingFastPath<PredictionRequest> FAST_REQUESTS =
      new StreamingFastPath<>(JsonCodec.MAPPER.tokenStreamFactory(), ContractReaders::predictionRequest);
  private static final int VALID_RECORDS = 3_000;
  private static final int MUTATED_RECORDS = 6_000;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What one path made of the bytes: the fast path's value (null if it declined) and both codecs' results. */
  private record Outcome(Object fast, Decoded<?> withFastPath, Decoded<?> treeOnly) {
  }

  private static <T> Outcome judge(byte[] bytes, StreamingFastPath<T> fast, JsonCodec<T> codec) {
    return new Outcome(fast.decodeOrNull(bytes), codec.decode(bytes), codec.withoutFastPath().decode(bytes));
  }

  /** Tallies how the inputs went and collects every disagreement with a readable description. */
  private static final class Tally {
    final List<String> disagreements = new ArrayList<>();
    final Set<RejectionReason> reasons = EnumSet.noneOf(RejectionReason.class);
    int fastAccepted;
    int treeValid;
    int treeInvalid;

    void add(byte[] bytes, Outcome outcome) {
      String input = new String(bytes, StandardCharsets.UTF_8);
      if (!outcome.withFastPath().equals(outcome.treeOnly())) {
        disagreements.add(input + " -> " + outcome.withFastPath() + " vs " + outcome.treeOnly());
      }
      boolean valid = outcome.treeOnly() instanceof Decoded.Valid<?>;
      treeValid += valid ? 1 : 0;
      treeInvalid += valid ? 0 : 1;
      if (outcome.treeOnly() instanceof Decoded.Invalid<?> invalid) {
        reasons.add(invalid.rejection().reason());
      }
      if (outcome.fast() == null) {
        return;
      }
      fastAccepted++;
      if (outcome.treeOnly() instanceof Decoded.Valid<?> tree) {
        if (!sameRecord(outcome.fast(), tree.value())) {
          disagreements.add(input + " -> fast " + outcome.fast() + " vs tree " + tree.value());
        }
      } else if (!isSemantic(((Decoded.Invalid<?>) outcome.treeOnly()).rejection().reason())) {
        disagreements.add(input + " -> fast " + outcome.fast() + " but tree " + outcome.treeOnly());
      }
    }
  }

  /** Rejections decided after the schema, from a value both paths built. */
  private static boolean isSemantic(RejectionReason reason) {
    return reason == RejectionReason.UNKNOWN_TASK || reason == RejectionReason.LABEL_OUT_OF_RANGE;
  }

  /** Record equality plus the context's key order (maps compare without order). */
  private static boolean sameRecord(Object a, Object b) {
    return a.equals(b) && contextKeys(a).equals(contextKeys(b));
  }

  private static List<String> contextKeys(Object record) {
    Map<String, Object> context = record instanceof LabelledEvent e ? e.context()
        : ((PredictionRequest) record).context();
    return List.copyOf(context.keySet());
  }

  private static <T> Tally run(int count, Supplier<byte[]> inputs, StreamingFastPath<T> fast, JsonCodec<T> codec) {
    Tally tally = new Tally();
    for (int i = 0; i < count; i++) {
      byte[] bytes = inputs.get();
      tally.add(bytes, judge(bytes, fast, codec));
    }
    return tally;
  }

  @Test
  void shouldDecodeGeneratedValidEventsExactlyAsTheTreePath() {
    // Given seeded events in every spelling a producer may use (key order, whitespace, escapes, number forms)
    ContractJsonGenerator generator = new ContractJsonGenerator(11);
    // When both paths decode each one
    Tally tally = run(VALID_RECORDS, () -> utf8(generator.event()), FAST_EVENTS, EVENTS);
    // Then they agree on every record, and the fast path took nearly all of them
    assertThat(tally.disagreements).isEmpty();
    assertThat(tally.fastAccepted).isGreaterThan(VALID_RECORDS * 8 / 10);
    assertThat(tally.treeValid).isGreaterThan(VALID_RECORDS / 2);
  }

  @Test
  void shouldDecodeGeneratedValidRequestsExactlyAsTheTreePath() {
    ContractJsonGenerator generator = new ContractJsonGenerator(12);
    Tally tally = run(VALID_RECORDS, () -> utf8(generator.request()), FAST_REQUESTS, REQUESTS);
    assertThat(tally.disagreements).isEmpty();
    assertThat(tally.fastAccepted).isGreaterThan(VALID_RECORDS * 8 / 10);
  }

  @Test
  void shouldGiveTheTreePathsValueOrRejectionForMutatedEvents() {
    // Given seeded events with random edits: fields dropped, duplicated, retyped, truncated, bytes corrupted
    ContractJsonGenerator generator = new ContractJsonGenerator(13);
    // When both codecs decode each one
    Tally tally = run(MUTATED_RECORDS, generator::mutatedEvent, FAST_EVENTS, EVENTS);
    // Then the values and the rejections (reason and message) are the same; every rejection step occurs
    assertThat(tally.disagreements).isEmpty();
    assertThat(tally.treeInvalid).isGreaterThan(MUTATED_RECORDS / 3);
    assertThat(tally.treeValid).isGreaterThan(MUTATED_RECORDS / 40);
    assertThat(tally.fastAccepted).isGreaterThan(MUTATED_RECORDS / 20);
    assertThat(tally.reasons).containsAll(EnumSet.range(RejectionReason.NOT_UTF8,
        RejectionReason.LABEL_OUT_OF_RANGE));
  }

  @Test
  void shouldGiveTheTreePathsValueOrRejectionForMutatedRequests() {
    ContractJsonGenerator generator = new ContractJsonGenerator(14);
    Tally tally = run(MUTATED_RECORDS, generator::mutatedRequest, FAST_REQUESTS, REQUESTS);
    assertThat(tally.disagreements).isEmpty();
    assertThat(tally.treeInvalid).isGreaterThan(MUTATED_RECORDS / 3);
    assertThat(tally.treeValid).isGreaterThan(MUTATED_RECORDS / 40);
    assertThat(tally.reasons).containsAll(EnumSet.range(RejectionReason.NOT_UTF8,
        RejectionReason.UNKNOWN_TASK));
  }

  @Test
  void shouldReadThePlainEventOnTheFastPath() {
    // Given the contract's example event
    byte[] json = utf8("{\"id\":\"e-1\",\"task\":\"ctr\",\"user\":\"u17\",\"item\":\"i42\",\"label\":1,"
        + "\"ts\":1764300000000,\"context\":{\"device\":\"mobile\",\"hour\":13,\"price\":-0.0}}");
    // When the fast path reads it, Then it builds the record: integers as Long, -0.0 kept as a Double
    LabelledEvent event = FAST_EVENTS.decodeOrNull(json);
    assertThat(event).isEqualTo(new LabelledEvent("e-1", "ctr", "u17", "i42", 1.0, 1_764_300_000_000L,
        Map.of("device", "mobile", "hour", 13L, "price", -0.0)));
    assertThat(event.context().keySet()).containsExactly("device", "hour", "price");
    assertThat(EVENTS.decode(json)).isEqualTo(new Decoded.Valid<>(event));
  }

  @Test
  void shouldReadEscapedAndNonAsciiStringsLikeTheTreePath() {
    // Given ids with escapes, a surrogate pair written as escapes and raw non-ASCII text
    byte[] json = utf8("{\"id\":\"e\\\"1\\\\\",\"task\":\"ctr\",\"user\":\"\\ud83d\\ude00\u00e9\","
        + "\"item\":\"i\\u0031\\/\",\"label\":0,\"ts\":0}");
    // When read, Then the strings are unescaped exactly as the tree path does
    LabelledEvent event = FAST_EVENTS.decodeOrNull(json);
    assertThat(event).isNotNull();
    assertThat(event.id()).isEqualTo("e\"1\\");
    assertThat(event.user()).isEqualTo("\uD83D\uDE00\u00e9");
    assertThat(event.item()).isEqualTo("i1/");
    assertThat(EVENTS.withoutFastPath().decode(json)).isEqualTo(new Decoded.Valid<>(event));
  }

  @Test
  void shouldLeaveIntegralFractionTimestampToTheTreePathWhichAcceptsIt() {
    // Given a timestamp spelled as a float literal, which the schema counts as an integer
    byte[] json = utf8("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":1e3}");
    // When decoded, Then the fast path declines and the codec still accepts it with ts 1000
    assertThat(FAST_EVENTS.decodeOrNull(json)).isNull();
    assertThat(EVENTS.decode(json)).isInstanceOfSatisfying(Decoded.Valid.class,
        valid -> assertThat(((LabelledEvent) valid.value()).ts()).isEqualTo(1_000L));
  }

  @Test
  void shouldLeaveIntegersBeyondALongToTheTreePath() {
    // Given a context integer of 2^63, which the tree binds as the nearest double
    byte[] json = utf8("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":5,"
        + "\"context\":{\"big\":9223372036854775808}}");
    // When decoded, Then the fast path declines and the value is the tree's
    assertThat(FAST_EVENTS.decodeOrNull(json)).isNull();
    assertThat(EVENTS.decode(json)).isEqualTo(EVENTS.withoutFastPath().decode(json));
    assertThat(((LabelledEvent) ((Decoded.Valid<?>) EVENTS.decode(json)).value()).context().get("big"))
        .isEqualTo(9.223372036854775807E18);
  }

  @Test
  void shouldLeaveUnknownFieldsNullsAndDuplicatesToTheTreePath() {
    // Given a valid record with an extra field, one with a null id, one with a duplicate key
    String base = "\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":5";
    byte[] extra = utf8("{\"id\":\"e\"," + base + ",\"note\":{\"a\":[1,2]}}");
    byte[] nullId = utf8("{\"id\":null," + base + "}");
    byte[] duplicate = utf8("{\"id\":\"e\"," + base + ",\"ts\":6}");
    // When decoded, Then the fast path declines each, and the codec gives the tree path's answers
    assertThat(FAST_EVENTS.decodeOrNull(extra)).isNull();
    assertThat(FAST_EVENTS.decodeOrNull(nullId)).isNull();
    assertThat(FAST_EVENTS.decodeOrNull(duplicate)).isNull();
    assertThat(EVENTS.decode(extra)).isInstanceOf(Decoded.Valid.class);
    assertThat(((Decoded.Invalid<?>) EVENTS.decode(nullId)).rejection().reason())
        .isEqualTo(RejectionReason.SCHEMA_VIOLATION);
    assertThat(((Decoded.Invalid<?>) EVENTS.decode(duplicate)).rejection())
        .isEqualTo(((Decoded.Invalid<?>) EVENTS.withoutFastPath().decode(duplicate)).rejection())
        .extracting(Rejection::reason).isEqualTo(RejectionReason.MALFORMED_JSON);
  }

  @Test
  void shouldLeaveByteOrderMarkAndEncodedSurrogatesToTheTreePath() {
    // Given a valid record behind a UTF-8 byte-order mark, and one with a surrogate encoded as UTF-8 bytes,
    // which Jackson's byte parser would read but strict UTF-8 forbids
    byte[] record = utf8("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":5}");
    byte[] bom = new byte[record.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(record, 0, bom, 3, record.length);
    byte[] surrogate = utf8("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"uXXX\",\"item\":\"i\","
        + "\"label\":1,\"ts\":5}");
    int x = new String(surrogate, StandardCharsets.UTF_8).indexOf("XXX");
    surrogate[x] = (byte) 0xED;
    surrogate[x + 1] = (byte) 0xA0;
    surrogate[x + 2] = (byte) 0x80;
    // When decoded, Then the fast path declines both and the codec rejects them as the tree path does
    assertThat(FAST_EVENTS.decodeOrNull(bom)).isNull();
    assertThat(FAST_EVENTS.decodeOrNull(surrogate)).isNull();
    assertThat(((Decoded.Invalid<?>) EVENTS.decode(bom)).rejection().reason())
        .isEqualTo(RejectionReason.MALFORMED_JSON);
    assertThat(((Decoded.Invalid<?>) EVENTS.decode(surrogate)).rejection().reason())
        .isEqualTo(RejectionReason.NOT_UTF8);
  }

  @Test
  void shouldApplyTheTaskChecksToFastPathRecords() {
    // Given plainly valid events naming an undeclared task and carrying a binary label of 3
    byte[] ghost = utf8("{\"id\":\"e\",\"task\":\"ghost\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":5}");
    byte[] three = utf8("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":3,\"ts\":5}");
    // When decoded, Then the fast path reads them and the codec rejects them as the tree path does
    assertThat(FAST_EVENTS.decodeOrNull(ghost)).isNotNull();
    assertThat(EVENTS.decode(ghost)).isEqualTo(EVENTS.withoutFastPath().decode(ghost));
    assertThat(((Decoded.Invalid<?>) EVENTS.decode(ghost)).rejection().reason())
        .isEqualTo(RejectionReason.UNKNOWN_TASK);
    assertThat(EVENTS.decode(three)).isEqualTo(EVENTS.withoutFastPath().decode(three));
    assertThat(((Decoded.Invalid<?>) EVENTS.decode(three)).rejection().reason())
        .isEqualTo(RejectionReason.LABEL_OUT_OF_RANGE);
  }

  @Test
  void shouldReadRequestsWithTaskListsInOrder() {
    byte[] json = utf8("{\"id\":\"r\",\"user\":\"u\",\"item\":\"i\",\"tasks\":[\"preference\",\"ctr\"],\"ts\":5}");
    PredictionRequest request = FAST_REQUESTS.decodeOrNull(json);
    assertThat(request).isNotNull();
    assertThat(request.tasks()).containsExactly("preference", "ctr");
    assertThat(REQUESTS.decode(json)).isEqualTo(REQUESTS.withoutFastPath().decode(json));
  }
  @Test
  void shouldRejectFloatTimestampBeyondALongInsteadOfThrowing() {
    // Given a timestamp spelled as a float beyond a long, on which the schema validator's "minimum" throws
    byte[] json = utf8("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":1e19}");
    // When decoded by either path, Then it is a schema violation that shows the value, not an exception
    Rejection rejection = ((Decoded.Invalid<?>) EVENTS.decode(json)).rejection();
    assertThat(rejection.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
    assertThat(rejection.message()).startsWith("record: cannot be checked against the LabelledEvent schema, ")
        .contains("1.0E19");
    assertThat(EVENTS.withoutFastPath().decode(json)).isEqualTo(new Decoded.Invalid<>(rejection));
  }
}
