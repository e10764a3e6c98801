package io.tandem.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictQueryTest {

  private static PredictQuery parse(String rawQuery) {
    return PredictQuery.parse(QueryParameters.parse(rawQuery));
  }

  private static HttpFailure failureOf(String rawQuery) {
    try {
      parse(rawQuery);
    } catch (HttpFailure failure) {
      return failure;
    }
    throw new AssertionError("expected a 400 for '" + rawQuery + "'");
  }

  @Test
  void shouldSplitContextIntoNumericAndCategoricalByJsonNumberSyntax() {
    // Given a query with a number-like and a word-like context value, percent-encoded
    PredictQuery query = parse("user=u%2017&item=i+42&ctx.hour=13&ctx.price=-1.5e2&ctx.device=mobile");

    // Then numbers are numeric features and words categorical ones; ids are decoded
    assertThat(query.example().user()).isEqualTo("u 17");
    assertThat(query.example().item()).isEqualTo("i 42");
    assertThat(query.example().numeric()).isEqualTo(Map.of("hour", 13.0, "price", -150.0));
    assertThat(query.example().categorical()).isEqualTo(Map.of("device", "mobile"));
    assertThat(query.tasks()).isEmpty();
  }

  @Test
  void shouldTreatNonJsonNumbersAsCategorical() {
    // "NaN", "Infinity", "0x10" and "+1" are not JSON numbers, so they stay strings
    PredictQuery query = parse("user=u&item=i&ctx.a=NaN&ctx.b=Infinity&ctx.c=0x10&ctx.d=%2B1");

    assertThat(query.example().numeric()).isEmpty();
    assertThat(query.example().categorical())
        .isEqualTo(Map.of("a", "NaN", "b", "Infinity", "c", "0x10", "d", "+1"));
  }

  @Test
  void shouldAcceptRepeatedAndCommaSeparatedTasksInOrderWithoutDuplicates() {
    PredictQuery query = parse("user=u&item=i&task=preference,ctr&task=ctr&task=%20extra%20");

    assertThat(query.tasks()).containsExactly("preference", "ctr", "extra");
  }

  @Test
  void shouldNameTheMissingParameter() {
    HttpFailure missingUser = failureOf("item=i");
    HttpFailure emptyItem = failureOf("user=u&item=");

    assertThat(missingUser.status()).isEqualTo(400);
    assertThat(missingUser.error()).isEqualTo("missing_parameter");
    assertThat(missingUser.details()).containsEntry("parameter", "user");
    assertThat(emptyItem.details()).containsEntry("parameter", "item");
  }

  @Test
  void shouldRejectRepeatedUser() {
    HttpFailure failure = failureOf("user=a&user=b&item=i");

    assertThat(failure.status()).isEqualTo(400);
    assertThat(failure.reason()).startsWith("user: must be given once");
  }

  @Test
  void shouldRejectUnknownParameterSoTyposAreNotIgnored() {
    HttpFailure failure = failureOf("user=u&item=i&tsk=ctr");

    assertThat(failure.details()).containsEntry("parameter", "tsk");
    assertThat(failure.reason()).contains("unknown query parameter");
  }

  @Test
  void shouldRejectEmptyTaskEntriesAndContextProblems() {
    assertThat(failureOf("user=u&item=i&task=ctr,,x").details()).containsEntry("parameter", "task");
    assertThat(failureOf("user=u&item=i&ctx.=3").details()).containsEntry("parameter", "ctx.");
    assertThat(failureOf("user=u&item=i&ctx.hour=1e999").reason())
        .isEqualTo("ctx.hour: must be a finite number, got 1e999");
    assertThat(failureOf("user=u&item=i&ctx.d=a&ctx.d=b").reason())
        .startsWith("ctx.d: must be given once");
  }

  @Test
  void shouldRejectMalformedPercentEncoding() {
    HttpFailure failure = failureOf("user=%zz&item=i");

    assertThat(failure.status()).isEqualTo(400);
    assertThat(failure.error()).isEqualTo("invalid_query");
    assertThat(failure.reason()).contains("user=%zz");
  }

  @Test
  void shouldKeepEveryValueOfARepeatedParameterInOrder() {
    QueryParameters parameters = QueryParameters.parse("a=1&&a=2&b");

    assertThat(parameters.all("a")).isEqualTo(List.of("1", "2"));
    assertThat(parameters.all("b")).isEqualTo(List.of(""));
    assertThat(parameters.all("c")).isEmpty();
  }
}
