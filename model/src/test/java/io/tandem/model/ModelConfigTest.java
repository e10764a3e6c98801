package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

  @Test
  void defaultsShouldBeTheReferenceConfiguration() {
    ModelConfig c = ModelConfig.defaults();
    assertThat(c.architecture()).isEqualTo(ModelConfig.Architecture.MMOE);
    assertThat(c.embeddingDim()).isEqualTo(32);
    assertThat(c.experts()).isEqualTo(4);
    assertThat(c.expertSize()).isEqualTo(64);
    assertThat(c.taskExperts()).isEqualTo(1);
    assertThat(c.towerSize()).isEqualTo(32);
    assertThat(c.productFeatures()).isTrue();
    assertThat(c.wide()).isTrue();
    assertThat(c.optimizer()).isEqualTo(ModelConfig.OptimizerKind.ADAGRAD);
    assertThat(c.embeddingLearningRate()).isEqualTo(0.15);
    assertThat(c.denseLearningRate()).isEqualTo(0.05);
    assertThat(c.weighting()).isEqualTo(ModelConfig.Weighting.NORMALISED);
    assertThat(c.taskWeight("anything")).isEqualTo(1.0);
  }

  @Test
  void withCopiesShouldChangeOnlyTheirSetting() {
    ModelConfig c = ModelConfig.defaults();
    ModelConfig d = c.withSeed(7);
    assertThat(d.seed()).isEqualTo(7);
    assertThat(d.withSeed(c.seed())).isEqualTo(c);
    assertThat(c.withPcgrad(true).withPcgrad(false)).isEqualTo(c);
    assertThat(c.withExperts(2, 16).experts()).isEqualTo(2);
    assertThat(c.withTaskExperts(3).taskExperts()).isEqualTo(3);
    assertThat(c.withTaskExperts(3).withTaskExperts(1)).isEqualTo(c);
    assertThat(c.withWide(false).withWide(true)).isEqualTo(c);
  }

  @Test
  void shouldRejectBadSettingsNamingThem() {
    ModelConfig c = ModelConfig.defaults();
    assertThatThrownBy(() -> c.withEmbeddingDim(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("embeddingDim: must be in [1, 1024], got 0");
    assertThatThrownBy(() -> c.withOptimizer(ModelConfig.OptimizerKind.SGD, -1, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("embeddingLearningRate: must be finite and > 0, got -1.0");
    assertThatThrownBy(() -> c.withHiddenSizes(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hiddenSizes");
    assertThatThrownBy(() -> c.withLossScales(Map.of("ctr", 0.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lossScales.ctr");
    assertThatThrownBy(() -> c.withAffinity(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("affinityDecay");
    assertThatThrownBy(() -> c.withContextFields(List.of("a", "a"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("distinct");
    assertThatThrownBy(() -> c.withTaskExperts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("taskExperts: must be in [1, 64], got 0");
    assertThatThrownBy(() -> c.withRowExpiryEvents(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rowExpiryEvents");
  }
}
