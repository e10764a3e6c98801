package io.tandem.streams.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.ModelConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelConfigMapperTest {

  @Test
  void shouldKeepDefaultsWhenNoKeyIsSet() {
    // When
    ModelConfig config = ModelConfigMapper.map(Map.of(), Map.of());

    // Then
    assertThat(config).isEqualTo(ModelConfig.defaults());
  }

  @Test
  void shouldMapEveryKeyToItsSetting() {
    // Given
    Map<String, String> keys = Map.ofEntries(
        Map.entry("architecture", "shared-bottom"),
        Map.entry("embedding.dim", "16"),
        Map.entry("embedding.init.scale", "0.05"),
        Map.entry("hidden.sizes", "32, 16"),
        Map.entry("experts", "3"),
        Map.entry("expert.size", "24"),
        Map.entry("task.experts", "2"),
        Map.entry("tower.size", "8"),
        Map.entry("product.features", "false"),
        Map.entry("wide", "false"),
        Map.entry("context.categorical", "device,country"),
        Map.entry("context.numeric", "hour"),
        Map.entry("optimizer", "adam"),
        Map.entry("lr.embedding", "0.02"),
        Map.entry("lr.dense", "0.003"),
        Map.entry("weighting", "uncertainty"),
        Map.entry("weighting.lr", "0.05"),
        Map.entry("gradnorm.alpha", "1.5"),
        Map.entry("pcgrad", "true"),
        Map.entry("admission.threshold", "3"),
        Map.entry("row.expiry.events", "100000"),
        Map.entry("affinity.decay", "0.2"),
        Map.entry("affinity.interval", "5"),
        Map.entry("seed", "7"));

    // When
    ModelConfig c = ModelConfigMapper.map(keys, Map.of("ctr", 2.0, "preference", 0.5));

    // Then
    assertThat(c.architecture()).isEqualTo(ModelConfig.Architecture.SHARED_BOTTOM);
    assertThat(c.embeddingDim()).isEqualTo(16);
    assertThat(c.embeddingInitScale()).isEqualTo(0.05);
    assertThat(c.hiddenSizes()).containsExactly(32, 16);
    assertThat(c.experts()).isEqualTo(3);
    assertThat(c.expertSize()).isEqualTo(24);
    assertThat(c.taskExperts()).isEqualTo(2);
    assertThat(c.towerSize()).isEqualTo(8);
    assertThat(c.productFeatures()).isFalse();
    assertThat(c.wide()).isFalse();
    assertThat(c.categoricalFields()).containsExactly("device", "country");
    assertThat(c.numericFields()).containsExactly("hour");
    assertThat(c.optimizer()).isEqualTo(ModelConfig.OptimizerKind.ADAM);
    assertThat(c.embeddingLearningRate()).isEqualTo(0.02);
    assertThat(c.denseLearningRate()).isEqualTo(0.003);
    assertThat(c.weighting()).isEqualTo(ModelConfig.Weighting.UNCERTAINTY);
    assertThat(c.weightingLearningRate()).isEqualTo(0.05);
    assertThat(c.gradNormAlpha()).isEqualTo(1.5);
    assertThat(c.pcgrad()).isTrue();
    assertThat(c.admissionThreshold()).isEqualTo(3);
    assertThat(c.rowExpiryEvents()).isEqualTo(100_000L);
    assertThat(c.affinityDecay()).isEqualTo(0.2);
    assertThat(c.affinityInterval()).isEqualTo(5);
    assertThat(c.seed()).isEqualTo(7L);
    assertThat(c.taskWeights()).isEqualTo(Map.of("ctr", 2.0, "preference", 0.5));
  }

  @Test
  void shouldSelectTheCgcArchitecture() {
    // When
    ModelConfig c = ModelConfigMapper.map(Map.of("architecture", "cgc"), Map.of());

    // Then
    assertThat(c.architecture()).isEqualTo(ModelConfig.Architecture.CGC);
  }

  @Test
  void shouldNameKeyValueAndRuleForAnOutOfRangeValue() {
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of("embedding.dim", "0"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid value 0 for configuration model.embedding.dim: must be in [1, 1024],"
            + " got 0");
  }

  @Test
  void shouldNameTheKeyOfABadHalfOfAPairedSetting() {
    assertThatThrownBy(() -> ModelConfigMapper.map(
        Map.of("experts", "2", "expert.size", "0"), Map.of()))
        .hasMessageStartingWith("Invalid value 0 for configuration model.expert.size: ");
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of("lr.dense", "-1"), Map.of()))
        .hasMessage("Invalid value -1 for configuration model.lr.dense: must be finite and > 0,"
            + " got -1.0");
  }

  @Test
  void shouldRejectUnparsableValues() {
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of("embedding.dim", "big"), Map.of()))
        .hasMessage("Invalid value big for configuration model.embedding.dim: must be an integer");
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of("lr.dense", "NaN"), Map.of()))
        .hasMessage("Invalid value NaN for configuration model.lr.dense: must be a finite number");
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of("pcgrad", "yes"), Map.of()))
        .hasMessage("Invalid value yes for configuration model.pcgrad: must be true or false");
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of("hidden.sizes", "64,,32"), Map.of()))
        .hasMessageStartingWith("Invalid value 64,,32 for configuration model.hidden.sizes: ");
  }

  @Test
  void shouldListTheChoicesOfAnEnumSetting() {
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of("optimizer", "rmsprop"), Map.of()))
        .hasMessage("Invalid value rmsprop for configuration model.optimizer: must be one of sgd,"
            + " adagrad, adam");
  }

  @Test
  void shouldRejectAnUnknownKeyInsteadOfIgnoringIt() {
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of("embeding.dim", "8"), Map.of()))
        .hasMessageStartingWith("Invalid value 8 for configuration model.embeding.dim: unknown"
            + " model setting; known settings are [");
  }

  @Test
  void shouldRejectANegativeTaskWeight() {
    assertThatThrownBy(() -> ModelConfigMapper.map(Map.of(), Map.of("ctr", -1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ctr");
  }

  @Test
  void shouldAcceptAnEmptyContextList() {
    ModelConfig c = ModelConfigMapper.map(Map.of("context.categorical", ""), Map.of());
    assertThat(c.categoricalFields()).isEqualTo(List.of());
  }
}
