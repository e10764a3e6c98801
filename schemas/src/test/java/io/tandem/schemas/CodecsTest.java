package io.tandem.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

class CodecsTest {
  private static final TaskCatalog TASKS = TaskCatalog.of(List.of(
      TaskDeclaration.binary("ctr", 1.0), TaskDeclaration.regression("preference", 1.0, 5.0, 0.5)));
  private static final JsonCodec<LabelledEvent> EVENTS = Codecs.labelledEvents(TASKS);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Rejection rejectionOf(Decoded<?> decoded) {
    assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
    return ((Decoded.Invalid<?>) decoded).rejection();
  }

  private static <T> T valueOf(Decoded<T> decoded) {
    assertThat(decoded).isInstanceOf(Decoded.Valid.class);
    return ((Decoded.Valid<T>) decoded).value();
  }

  private static Rejection decodeEvent(String json) {
    return rejectionOf(EVENTS.decode(utf8(json)));
  }

  @Test
  void shouldDecodeTheIssueExampleEvent() {
    LabelledEvent e = valueOf(EVENTS.decode(utf8("{\"id\":\"e-1\",\"task\":\"ctr\",\"user\":\"u17\","
        + "\"item\":\"i42\",\"label\":1,\"ts\":1764300000000,\"context\":{\"device\":\"mobile\",\"hour\":13}}")));
    assertThat(e).isEqualTo(new LabelledEvent("e-1", "ctr", "u17", "i42", 1.0, 1764300000000L,
        Map.of("device", "mobile", "hour", 13L)));
  }

  @Test
  void shouldRoundTripRandomLabelledEventsAndPredictions() {
    // Given a seeded generator of valid values
    Random random = new Random(42);
    JsonCodec<Prediction> predictions = Codecs.predictions();
    for (int i = 0; i < 500; i++) {
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("device", "d" + random.nextInt(5) + "\u00e9\u2603");
      context.put("hour", (long) random.nextInt(24));
      context.put("x", random.nextGaussian() * 1e6);
      boolean binary = random.nextBoolean();
      LabelledEvent event = new LabelledEvent("e-" + i, binary ? "ctr" : "preference", "u" + random.nextInt(),
          "i\"" + i, binary ? random.nextInt(2) : 1 + 4 * random.nextDouble(),
          Math.abs(random.nextLong()), context);
      Prediction prediction = new Prediction("e-" + i, random.nextBoolean() ? PredictionSource.EVENT
          : PredictionSource.REQUEST, event.user(), event.item(),
          Map.of("ctr", random.nextDouble(), "preference", random.nextGaussian() * 1e-300),
          random.nextInt(Integer.MAX_VALUE), event.ts());
      // When encoded and decoded, Then the value is unchanged
      assertThat(valueOf(EVENTS.decode(EVENTS.encode(event)))).isEqualTo(event);
      assertThat(valueOf(predictions.decode(predictions.encode(prediction)))).isEqualTo(prediction);
    }
  }

  @Test
  void shouldRoundTripRequestsTransferUpdatesAndTaskDeclarations() {
    JsonCodec<PredictionRequest> requests = Codecs.requests(TASKS);
    PredictionRequest all = new PredictionRequest("r-1", "u1", "i1", List.of(), 5, Map.of());
    PredictionRequest some = new PredictionRequest("r-2", "u1", "i1", List.of("ctr", "preference"), 5,
        Map.of("hour", 3L, "w", 0.5));
    assertThat(valueOf(requests.decode(requests.encode(all)))).isEqualTo(all);
    assertThat(valueOf(requests.decode(requests.encode(some)))).isEqualTo(some);

    JsonCodec<TransferUpdate> transfers = Codecs.transferUpdates();
    TransferUpdate started = new TransferUpdate("t-1", "ctr", TransferUpdate.Action.TRANSFER,
        TransferUpdate.Trigger.DRIFT, "adwin", 1023L, List.of(new TransferUpdate.Source("preference", 0.4)),
        TransferUpdate.Decision.STARTED, "logloss", 0.31, null, 7, 100);
    TransferUpdate decided = new TransferUpdate("t-2", "new", TransferUpdate.Action.ONBOARD,
        TransferUpdate.Trigger.NEW_TASK, null, null, List.of(), TransferUpdate.Decision.ROLLED_BACK,
        "rmse", 1.2, 1.3, 8, 200);
    assertThat(valueOf(transfers.decode(transfers.encode(started)))).isEqualTo(started);
    assertThat(valueOf(transfers.decode(transfers.encode(decided)))).isEqualTo(decided);
    assertThat(new String(transfers.encode(decided), StandardCharsets.UTF_8))
        .contains("\"decision\":\"rolled_back\"", "\"trigger\":\"new_task\"", "\"candidate_metric\":1.3");

    JsonCodec<TaskDeclaration> declarations = Codecs.taskDeclarations();
    for (TaskDeclaration t : TASKS.find("ctr").stream().toList()) {
      assertThat(valueOf(declarations.decode(declarations.encode(t)))).isEqualTo(t);
    }
    TaskDeclaration pref = TASKS.find("preference").orElseThrow();
    assertThat(valueOf(declarations.decode(declarations.encode(pref)))).isEqualTo(pref);
  }

  @Test
  void shouldRoundTripAWarningStartedTransferUpdateThroughTheSchema() {
    // Given a candidate started by a drift warning (added to the trigger enum after drift and new_task)
    JsonCodec<TransferUpdate> transfers = Codecs.transferUpdates();
    TransferUpdate warned = new TransferUpdate("ctr.0_1.v9.started", "ctr", TransferUpdate.Action.TRANSFER,
        TransferUpdate.Trigger.DRIFT_WARNING, "adwin-warning", 5877L, List.of(),
        TransferUpdate.Decision.STARTED, "logloss", 0.29, null, 9, 300);

    // When encoded, Then it says drift_warning and decodes (schema-validated) to the same value
    byte[] json = transfers.encode(warned);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"trigger\":\"drift_warning\"", "\"detector\":\"adwin-warning\"");
    assertThat(valueOf(transfers.decode(json))).isEqualTo(warned);
  }

  @Test
  void shouldWritePredictionFieldsInSnakeCase() {
    Prediction p = new Prediction("e-1", PredictionSource.EVENT, "u17", "i42", Map.of("ctr", 0.13), 42, 9);
    assertThat(new String(Codecs.predictions().encode(p), StandardCharsets.UTF_8)).isEqualTo(
        "{\"id\":\"e-1\",\"source\":\"event\",\"user\":\"u17\",\"item\":\"i42\","
            + "\"scores\":{\"ctr\":0.13},\"model_version\":42,\"ts\":9}");
  }

  @Test
  void shouldRejectMissingField() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"ts\":1}");
    assertThat(r.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
    assertThat(r.message()).contains("label").contains("required");
  }

  @Test
  void shouldRejectWrongType() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":\"1\",\"ts\":1}");
    assertThat(r.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
    assertThat(r.message()).startsWith("label: ").contains("[type]").endsWith("got \"1\"");
  }

  @Test
  void shouldRejectNaNAndInfinityLiteralsAsMalformedJson() {
    for (String literal : List.of("NaN", "Infinity", "-Infinity")) {
      Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":"
          + literal + ",\"ts\":1}");
      assertThat(r.reason()).as(literal).isEqualTo(RejectionReason.MALFORMED_JSON);
    }
  }

  @Test
  void shouldRejectNumberOverflowingToInfinity() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"preference\",\"user\":\"u\",\"item\":\"i\","
        + "\"label\":1e400,\"ts\":1}");
    assertThat(r.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
    assertThat(r.message()).startsWith("label: ").contains("Infinity");
  }

  @Test
  void shouldRejectEmptyId() {
    Rejection r = decodeEvent("{\"id\":\"\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":1}");
    assertThat(r.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
    assertThat(r.message()).startsWith("id: ").contains("[minLength]");
  }

  @Test
  void shouldRejectNegativeTimestamp() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":-1}");
    assertThat(r.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
    assertThat(r.message()).startsWith("ts: ").contains("[minimum]");
  }

  @Test
  void shouldRejectOversizedRecordBeforeParsing() {
    JsonCodec<LabelledEvent> small = Codecs.labelledEvents(TASKS, 10);
    Rejection r = rejectionOf(small.decode(utf8("{\"garbage\" not even json")));
    assertThat(r).isEqualTo(new Rejection(RejectionReason.TOO_LARGE, "record: must be at most 10 bytes, got 24"));
  }

  @Test
  void shouldRejectNonUtf8Bytes() {
    byte[] bytes = utf8("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":1}");
    bytes[8] = (byte) 0xC3; // a lead byte followed by an ASCII byte: malformed
    assertThat(rejectionOf(EVENTS.decode(bytes)).reason()).isEqualTo(RejectionReason.NOT_UTF8);
  }

  @Test
  void shouldRejectMalformedJson() {
    assertThat(decodeEvent("{\"id\":\"e\",").reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    assertThat(decodeEvent("").reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
  }

  @Test
  void shouldRejectTrailingGarbage() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":1} {}");
    assertThat(r.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
  }

  @Test
  void shouldRejectDuplicateKeys() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"id\":\"f\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":1}");
    assertThat(r.reason()).isEqualTo(RejectionReason.MALFORMED_JSON);
    assertThat(r.message()).contains("Duplicate");
  }

  @Test
  void shouldRejectUnknownTask() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"likes\",\"user\":\"u\",\"item\":\"i\",\"label\":1,\"ts\":1}");
    assertThat(r).isEqualTo(new Rejection(RejectionReason.UNKNOWN_TASK,
        "task: task 'likes' is not declared, declared tasks are [ctr, preference]"));
  }

  @Test
  void shouldRejectRequestListingUnknownTask() {
    Rejection r = rejectionOf(Codecs.requests(TASKS).decode(utf8(
        "{\"id\":\"r\",\"user\":\"u\",\"item\":\"i\",\"tasks\":[\"ctr\",\"nope\"],\"ts\":1}")));
    assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_TASK);
    assertThat(r.message()).startsWith("tasks[1]: task 'nope'");
  }

  @Test
  void shouldRejectBinaryLabelThree() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":3,\"ts\":1}");
    assertThat(r).isEqualTo(new Rejection(RejectionReason.LABEL_OUT_OF_RANGE,
        "label: must be 0 or 1 for binary task 'ctr', got 3"));
  }

  @Test
  void shouldRejectRegressionLabelOutOfRange() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"preference\",\"user\":\"u\",\"item\":\"i\",\"label\":5.5,\"ts\":1}");
    assertThat(r).isEqualTo(new Rejection(RejectionReason.LABEL_OUT_OF_RANGE,
        "label: must be within [1, 5] for regression task 'preference', got 5.5"));
    assertThat(TASKS.accepts("preference", 5.0)).isTrue();
    assertThat(TASKS.accepts("preference", 0.99)).isFalse();
  }

  @Test
  void shouldAcceptAndIgnoreUnknownExtraFields() {
    LabelledEvent e = valueOf(EVENTS.decode(utf8("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\","
        + "\"label\":0,\"ts\":1,\"extra\":{\"nested\":[1,2]}}")));
    assertThat(new String(EVENTS.encode(e), StandardCharsets.UTF_8)).doesNotContain("extra");
  }

  @Test
  void shouldRejectContextWithNestedValue() {
    Rejection r = decodeEvent("{\"id\":\"e\",\"task\":\"ctr\",\"user\":\"u\",\"item\":\"i\",\"label\":0,\"ts\":1,"
        + "\"context\":{\"a\":[1]}}");
    assertThat(r.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
    assertThat(r.message()).startsWith("context.a: ");
  }

  @Test
  void shouldThrowInvalidRecordExceptionFromSerdeDeserializer() {
    var deserializer = EVENTS.serde().deserializer();
    assertThatThrownBy(() -> deserializer.deserialize("tandem.events", utf8("{nope")))
        .isInstanceOfSatisfying(InvalidRecordException.class,
            e -> assertThat(e.rejection().reason()).isEqualTo(RejectionReason.MALFORMED_JSON));
    LabelledEvent valid = new LabelledEvent("e", "ctr", "u", "i", 1, 2, null);
    byte[] bytes = EVENTS.serde().serializer().serialize("tandem.events", valid);
    assertThat(deserializer.deserialize("tandem.events", bytes)).isEqualTo(valid);
    assertThat(deserializer.deserialize("tandem.events", null)).isNull();
  }

  @Test
  void shouldRoundTripDeadLetterHeaders() {
    Rejection rejection = new Rejection(RejectionReason.NOT_UTF8, "record: must be UTF-8, caf\u00e9");
    Headers headers = DeadLetterHeaders.toHeaders(rejection, "tandem.events", 3, 12345L, 1764300000000L);
    assertThat(DeadLetterHeaders.rejection(headers)).isEqualTo(rejection);
    assertThat(DeadLetterHeaders.string(headers, DeadLetterHeaders.REASON)).contains("not_utf8");
    assertThat(DeadLetterHeaders.topic(headers)).contains("tandem.events");
    assertThat(DeadLetterHeaders.partition(headers)).contains(3);
    assertThat(DeadLetterHeaders.offset(headers)).contains(12345L);
    assertThat(DeadLetterHeaders.time(headers)).contains(1764300000000L);
  }

  @Test
  void shouldRefuseToBuildInvalidRecords() {
    assertThatThrownBy(() -> new LabelledEvent("", "ctr", "u", "i", 1, 1, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("id: ");
    assertThatThrownBy(() -> new LabelledEvent("e", "ctr", "u", "i", Double.NaN, 1, null))
        .hasMessage("label: must be a finite number, got NaN");
    assertThatThrownBy(() -> TaskDeclaration.regression("p", 5, 1, 1))
        .hasMessageStartingWith("min/max: min must be < max");
  }
}
