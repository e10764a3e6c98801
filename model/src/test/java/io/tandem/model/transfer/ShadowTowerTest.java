package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.loss.Losses;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shadow-candidate support of {@link MultiTaskModel} that the controller relies on. */
class ShadowTowerTest {

  private static final double TOLERANCE = 1e-12;

  private static MultiTaskModel trained(int batches) {
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    for (List<LabelledExample> batch : TransferStreams.batches(TransferStreams.TWO, 4, batches,
        32, -1)) {
      model.learn(batch);
    }
    return model;
  }

  private static final List<Example> PROBE = List.of(Example.of("u1", "i2"),
      Example.of("u2", "i3"), Example.of("unseen", "unseen"));

  @Test
  void aCopiedCandidateShouldPredictExactlyAsTheIncumbent() {
    MultiTaskModel model = trained(20);
    model.attachShadow("a", MultiTaskModel.ShadowStart.COPY_INCUMBENT, Map.of(), 0.0, 2.0);

    double[] shadow = model.predictShadow(PROBE);
    List<Map<String, Double>> incumbent = model.predict(PROBE);

    for (int i = 0; i < PROBE.size(); i++) {
      assertThat(shadow[i]).isEqualTo(incumbent.get(i).get("a"));
    }
  }

  @Test
  void aBlendedCandidateShouldStartAtTheGivenOutputBias() {
    // Given a candidate blended from b with zero output weights and bias logit(0.3)
    MultiTaskModel model = trained(20);
    double bias = Math.log(0.3 / 0.7);
    model.attachShadow("a", MultiTaskModel.ShadowStart.BLEND_SOURCES, Map.of("b", 0.4), bias,
        1.0);

    // Then every score is sigmoid(bias) = 0.3
    for (double score : model.predictShadow(PROBE)) {
      assertThat(score).isCloseTo(0.3, within(TOLERANCE));
    }
  }

  @Test
  void promotionShouldInstallTheCandidateAsTheTasksTower() {
    // Given a fresh candidate that predicts 0.3 everywhere
    MultiTaskModel model = trained(20);
    model.attachShadow("a", MultiTaskModel.ShadowStart.RESET, Map.of(),
        Math.log(0.3 / 0.7), 1.0);
    List<Map<String, Double>> before = model.predict(PROBE);

    // When it is promoted
    model.promoteShadow(0);

    // Then task a predicts 0.3, task b is unchanged, and no shadow remains
    List<Map<String, Double>> after = model.predict(PROBE);
    for (int i = 0; i < PROBE.size(); i++) {
      assertThat(after.get(i).get("a")).isCloseTo(0.3, within(TOLERANCE));
      assertThat(after.get(i).get("b")).isEqualTo(before.get(i).get("b"));
    }
    assertThat(model.shadowTask()).isNull();
  }

  @Test
  void trainingTheCandidateShouldMoveItTowardsTheLabels() {
    // Given a candidate starting at 0.5 everywhere for task a
    MultiTaskModel model = trained(5);
    model.attachShadow("a", MultiTaskModel.ShadowStart.RESET, Map.of(), 0.0, 5.0);
    List<List<LabelledExample>> more = TransferStreams.batches(TransferStreams.TWO, 11, 40, 32,
        -1);

    // When it trains alongside the model
    double lossFirst = shadowLoss(model, more.get(0));
    for (List<LabelledExample> batch : more) {
      model.learn(batch);
    }

    // Then its loss on task a fell
    assertThat(shadowLoss(model, more.get(0))).isLessThan(lossFirst);
  }

  private static double shadowLoss(MultiTaskModel model, List<LabelledExample> batch) {
    List<LabelledExample> labelled = batch.stream().filter(e -> e.labels().containsKey("a"))
        .toList();
    double[] scores = model.predictShadow(TransferStreams.examples(labelled));
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      sum += Losses.loss(model.tasks().get(0), scores[i], labelled.get(i).labels().get("a"));
    }
    return sum / scores.length;
  }

  @Test
  void theShadowShouldSurviveADenseRoundTrip() {
    MultiTaskModel model = trained(10);
    model.attachShadow("a", MultiTaskModel.ShadowStart.RESET, Map.of(), 0.1, 3.0);
    for (List<LabelledExample> batch : TransferStreams.batches(TransferStreams.TWO, 12, 5, 32,
        -1)) {
      model.learn(batch);
    }
    MultiTaskModel copy = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    for (var row : model.drainDirtyRows().entrySet()) {
      copy.importRow(row.getKey(), row.getValue());
    }

    copy.importDense(model.exportDense());

    assertThat(copy.shadowTask()).isEqualTo("a");
    assertThat(copy.predictShadow(PROBE)).isEqualTo(model.predictShadow(PROBE));
    assertThat(copy.exportDense()).isEqualTo(model.exportDense());
  }

  @Test
  void shouldRejectWrongCallOrderAndBadArguments() {
    MultiTaskModel model = trained(1);
    assertThatThrownBy(() -> model.predictShadow(PROBE))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no shadow");
    assertThatThrownBy(() -> model.promoteShadow(0))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no shadow");
    assertThatThrownBy(() -> model.discardShadow())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no shadow");
    assertThatThrownBy(() -> model.attachShadow("a", MultiTaskModel.ShadowStart.BLEND_SOURCES,
        Map.of(), 0.0, 1.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one source");
    assertThatThrownBy(() -> model.attachShadow("a", MultiTaskModel.ShadowStart.BLEND_SOURCES,
        Map.of("a", 1.0), 0.0, 1.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sourceWeights.a");
    assertThatThrownBy(() -> model.attachShadow("a", MultiTaskModel.ShadowStart.RESET,
        Map.of(), 0.0, 0.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("learningRateBoost");
    model.attachShadow("a", MultiTaskModel.ShadowStart.RESET, Map.of(), 0.0, 1.0);
    assertThatThrownBy(() -> model.attachShadow("b", MultiTaskModel.ShadowStart.RESET,
        Map.of(), 0.0, 1.0)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already attached");
    model.discardShadow();
    assertThat(model.shadowTask()).isNull();
  }
}
