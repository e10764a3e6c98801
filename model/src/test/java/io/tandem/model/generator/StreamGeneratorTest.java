package io.tandem.model.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.Example;
import io.tandem.model.metrics.Auc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class StreamGeneratorTest {

  private static final double EXACT = 1e-12;
  private static final long DAY_MS = 86_400_000L;

  /** A small world: fast to build, same law as the default. */
  private static GeneratorConfig small(long ctr, long preference) {
    return GeneratorConfig.defaults().withPopulation(500, 200).withEvents(ctr, preference);
  }

  @Test
  void sameSeedShouldGiveTheSameSequenceAndAnotherSeedAnother() throws Exception {
    // Given two generators of the default world with the same seed and one with another seed
    GeneratorConfig config = GeneratorConfig.defaults();

    // When hashing every field of their first 10,000 events
    String first = hashOfFirst(new StreamGenerator(config), 10_000);
    String second = hashOfFirst(new StreamGenerator(config), 10_000);
    String other = hashOfFirst(new StreamGenerator(config.withSeed(43)), 10_000);

    // Then
    assertThat(second).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void empiricalClickRateShouldMatchTheConfiguredRate() {
    // Given 60,000 ctr events spaced so the stream spans exactly one day (the daily cycle then
    // averages out as in the calibration), at two rates, with and without the cycle
    for (double rate : new double[] {0.05, 0.10, 0.15}) {
      GeneratorConfig config = small(60_000, 0).withCtrBaseRate(rate)
          .withTimeline(0, DAY_MS / 60_000).withDailyCycleAmplitude(rate == 0.05 ? 0 : 0.8);

      // When
      OracleReport report = OracleReport.of(config);

      // Then the click rate is within 0.006 of the target: binomial sd sqrt(r(1-r)/60000) is at
      // most 0.0015, the calibration's sampling error of the mean about 0.001; 3 sd of both
      assertThat(report.clickRate()).as("rate %s", rate).isCloseTo(rate, within(0.006));
    }
  }

  @Test
  void taskWeightCosineShouldEqualRhoAndNormTheSignalScale() {
    for (double rho : new double[] {0.0, 0.2, 0.5, 0.8, 1.0}) {
      // Given
      StreamGenerator generator =
          new StreamGenerator(small(10, 10).withRho(rho).withSignalScale(1.5));

      // When
      double[] ctr = generator.taskWeights(StreamGenerator.CTR, 0);
      double[] preference = generator.taskWeights(StreamGenerator.PREFERENCE, 0);

      // Then
      assertThat(cosine(ctr, preference)).as("rho %s", rho).isCloseTo(rho, within(EXACT));
      assertThat(norm(ctr)).isCloseTo(1.5, within(EXACT));
      assertThat(norm(preference)).isCloseTo(1.5, within(EXACT));
    }
  }

  @Test
  void higherRhoShouldCorrelateTheTwoTasksTruthsMore() {
    // The empirical consequence of rho: over the same pairs, the correlation between the click
    // logit-free score proxy (truth of ctr) and the expected rating grows with rho
    double low = truthCorrelation(0.0);
    double high = truthCorrelation(0.9);
    assertThat(high).isGreaterThan(low + 0.2);
  }

  @Test
  void abruptDriftShouldChangeOnlyTheDriftedTasksTruthAndOnlyFromAtEvent() {
    // Given the same world without and with an abrupt ctr drift at event 3,000
    GeneratorConfig base = small(3_000, 3_000).withRho(0.5);
    List<GeneratedEvent> plain = take(new StreamGenerator(base), 6_000);
    StreamGenerator drifting =
        new StreamGenerator(base.withDrifts(List.of(DriftSpec.abrupt("ctr", 3_000))));
    List<GeneratedEvent> drifted = take(drifting, 6_000);

    // Then users, items, contexts are the same everywhere; truths are the same before 3,000
    // for both tasks, and after it only preference keeps its truth
    int ctrChanged = 0;
    int ctrAfter = 0;
    for (int n = 0; n < 6_000; n++) {
      GeneratedEvent a = plain.get(n);
      GeneratedEvent b = drifted.get(n);
      assertThat(b.user()).isEqualTo(a.user());
      assertThat(b.item()).isEqualTo(a.item());
      assertThat(b.context()).isEqualTo(a.context());
      if (n < 3_000 || a.task().equals(StreamGenerator.PREFERENCE)) {
        assertThat(b.truth()).as("event %d", n).isEqualTo(a.truth());
      } else {
        ctrAfter++;
        if (Math.abs(b.truth() - a.truth()) > 1e-9) {
          ctrChanged++;
        }
      }
    }
    assertThat(ctrChanged).isGreaterThan(ctrAfter * 9 / 10);
    // and the drift keeps the relatedness while making the new ctr direction unrelated to the
    // old one
    double[] before = drifting.taskWeights("ctr", 2_999);
    double[] after = drifting.taskWeights("ctr", 3_000);
    assertThat(cosine(after, drifting.taskWeights("preference", 3_000)))
        .isCloseTo(0.5, within(EXACT));
    // u = c (sqrt(rho) s + sqrt(1 - rho) e) with e_old orthogonal to e_new: cos = rho
    assertThat(cosine(before, after)).isCloseTo(0.5, within(EXACT));
  }

  @Test
  void gradualDriftShouldMoveTheWeightsStepwiseOverItsWindow() {
    // Given a preference drift blended over events 1,000..2,000
    StreamGenerator generator = new StreamGenerator(small(100, 100).withRho(0.5)
        .withDrifts(List.of(DriftSpec.gradual("preference", 1_000, 1_000))));
    double[] start = generator.taskWeights("preference", 1_000);
    double[] end = generator.taskWeights("preference", 2_000);

    // Then before the window nothing moved, half-way the direction is between, after it the
    // direction is the end one
    assertThat(generator.taskWeights("preference", 0)).containsExactly(start);
    double halfway = cosine(generator.taskWeights("preference", 1_500), start);
    assertThat(halfway).isGreaterThan(cosine(end, start) + 0.1).isLessThan(1.0 - 0.1);
    assertThat(generator.taskWeights("preference", 5_000)).containsExactly(end);
    // the ctr task is untouched
    assertThat(generator.taskWeights("ctr", 5_000))
        .containsExactly(generator.taskWeights("ctr", 0));
  }

  @Test
  void shouldEmitExactCountsLegalLabelsAndWireShapedEvents() {
    // Given a scarce ctr task: 100 ctr and 1,000 preference events, one event per minute
    GeneratorConfig config = small(100, 1_000).withTimeline(1_764_288_000_000L, 60_000);
    List<GeneratedEvent> events = take(new StreamGenerator(config), 1_100);

    // Then counts are exact, labels and truths legal, ids, timestamps and hours consistent
    long ctr = events.stream().filter(e -> e.task().equals("ctr")).count();
    assertThat(ctr).isEqualTo(100);
    for (int n = 0; n < events.size(); n++) {
      GeneratedEvent e = events.get(n);
      assertThat(e.id()).isEqualTo("e-" + n);
      assertThat(e.ts()).isEqualTo(1_764_288_000_000L + n * 60_000L);
      assertThat(e.user()).matches("u\\d+");
      assertThat(e.item()).matches("i\\d+");
      assertThat(e.context()).containsOnlyKeys("device", "hour");
      assertThat(e.context().get("device")).isIn("mobile", "desktop", "tablet");
      assertThat(e.context().get("hour")).isEqualTo((e.ts() / 3_600_000L) % 24);
      if (e.task().equals("ctr")) {
        assertThat(e.label()).isIn(0.0, 1.0);
        assertThat(e.truth()).isBetween(0.0, 1.0);
      } else {
        assertThat(e.label()).isBetween(1.0, 5.0);
        assertThat(e.truth()).isBetween(1.0, 5.0);
      }
    }
  }

  @Test
  void shouldStopAfterTheLastEvent() {
    StreamGenerator generator = new StreamGenerator(small(1, 1));
    generator.next();
    generator.next();
    assertThat(generator.hasNext()).isFalse();
    assertThatThrownBy(generator::next).isInstanceOf(NoSuchElementException.class);
    assertThat(StreamGenerator.stream(small(3, 4))).hasSize(7);
  }

  @Test
  void contextShouldHaveItsDocumentedEffectOnTheClickLogit() {
    // Given a generator with a daily cycle of amplitude 0.7 starting at midnight UTC, one
    // event per hour
    StreamGenerator generator = new StreamGenerator(
        small(10, 10).withDailyCycleAmplitude(0.7).withTimeline(0, 3_600_000L));

    // Then desktop adds 0.4 to the logit and tablet -0.4 (same pair, same time)
    double mobile = logit(generator.truth("ctr", 3, 4, "mobile", 5));
    assertThat(logit(generator.truth("ctr", 3, 4, "desktop", 5)) - mobile)
        .isCloseTo(0.4, within(1e-9));
    assertThat(logit(generator.truth("ctr", 3, 4, "tablet", 5)) - mobile)
        .isCloseTo(-0.4, within(1e-9));
    // and the cycle peaks at 20:00 and bottoms at 08:00: a logit gap of 2 * 0.7
    assertThat(logit(generator.truth("ctr", 3, 4, "mobile", 20))
        - logit(generator.truth("ctr", 3, 4, "mobile", 8))).isCloseTo(1.4, within(1e-9));
  }

  @Test
  void withoutContextEventsShouldCarryNoContextAndNoDeviceEffect() {
    List<GeneratedEvent> events = take(new StreamGenerator(small(50, 50).withContext(false)), 100);
    assertThat(events).allSatisfy(e -> assertThat(e.context()).isEmpty());
  }

  @Test
  void oracleShouldScoreTheTruthOfTheStream() {
    // Given a small stream
    GeneratorConfig config = small(5_000, 5_000);
    List<GeneratedEvent> events = take(new StreamGenerator(config), 10_000);

    // When
    OracleReport report = OracleReport.of(events.iterator());

    // Then its AUC is the exact AUC of truth vs label over the ctr events, and well above 0.5
    double[] scores = events.stream().filter(e -> e.task().equals("ctr"))
        .mapToDouble(GeneratedEvent::truth).toArray();
    double[] labels = events.stream().filter(e -> e.task().equals("ctr"))
        .mapToDouble(GeneratedEvent::label).toArray();
    assertThat(report.ctrAuc()).isCloseTo(Auc.exact(scores, labels), within(EXACT));
    assertThat(report.ctrAuc()).isGreaterThan(0.75);
    assertThat(report.ctrEvents()).isEqualTo(5_000);
    // and the rating RMSE is the configured noise 0.5, shrunk a little by clipping
    assertThat(report.preferenceRmse()).isBetween(0.35, 0.52);
  }

  @Test
  void toExampleShouldSplitContextIntoCategoricalAndNumeric() {
    GeneratedEvent event = new GeneratedEvent("e-0", "ctr", "u1", "i2", 1, 0,
        Map.of("device", "mobile", "hour", 13L), 0.3);
    Example example = event.toExample();
    assertThat(example.categorical()).isEqualTo(Map.of("device", "mobile"));
    assertThat(example.numeric()).isEqualTo(Map.of("hour", 13.0));
    assertThat(event.toLabelledExample().labels()).isEqualTo(Map.of("ctr", 1.0));
    assertThatThrownBy(() -> new GeneratedEvent("e-0", "ctr", "u1", "i2", 1, 0,
        Map.of("hour", Double.NaN), 0.3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context.hour");
  }

  private static double truthCorrelation(double rho) {
    StreamGenerator generator =
        new StreamGenerator(small(10, 10).withRho(rho).withIdBiasScale(0));
    int n = 4_000;
    double[] a = new double[n];
    double[] b = new double[n];
    for (int k = 0; k < n; k++) {
      a[k] = logit(generator.truth("ctr", k % 500, (k * 7) % 200, null, 0));
      b[k] = generator.truth("preference", k % 500, (k * 7) % 200, null, 0);
    }
    return correlation(a, b);
  }

  private static List<GeneratedEvent> take(StreamGenerator generator, int n) {
    List<GeneratedEvent> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(generator.next());
    }
    return out;
  }

  private static String hashOfFirst(StreamGenerator generator, int n)
      throws NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (int i = 0; i < n; i++) {
      GeneratedEvent e = generator.next();
      String line = String.join("|", e.id(), e.task(), e.user(), e.item(),
          Long.toHexString(Double.doubleToLongBits(e.label())), Long.toString(e.ts()),
          e.context().toString(), Long.toHexString(Double.doubleToLongBits(e.truth())));
      digest.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }

  private static double cosine(double[] a, double[] b) {
    double dot = 0;
    for (int k = 0; k < a.length; k++) {
      dot += a[k] * b[k];
    }
    return dot / (norm(a) * norm(b));
  }

  private static double norm(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static double correlation(double[] a, double[] b) {
    double ma = 0;
    double mb = 0;
    for (int k = 0; k < a.length; k++) {
      ma += a[k] / a.length;
      mb += b[k] / b.length;
    }
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int k = 0; k < a.length; k++) {
      sab += (a[k] - ma) * (b[k] - mb);
      saa += (a[k] - ma) * (a[k] - ma);
      sbb += (b[k] - mb) * (b[k] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }
}
