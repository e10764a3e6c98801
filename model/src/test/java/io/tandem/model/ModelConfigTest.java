package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** Every copy method, named by the record components it may change. */
  static Stream<Arguments> copies() {
    ModelConfig.Architecture cgc = ModelConfig.Architecture.CGC;
    return Stream.of(
        copy(c -> c.withArchitecture(cgc), "architecture"),
        copy(c -> c.withEmbeddingDim(8), "embeddingDim"),
        copy(c -> c.withHiddenSizes(List.of(16)), "hiddenSizes"),
        copy(c -> c.withExperts(2, 16), "experts", "expertSize"),
        copy(c -> c.withTaskExperts(3), "taskExperts"),
        copy(c -> c.withTowerSize(8), "towerSize"),
        copy(c -> c.withProductFeatures(false), "productFeatures"),
        copy(c -> c.withWide(false), "wide"),
        copy(c -> c.withContextFields(List.of("device"), List.of("hour")),
            "categoricalFields", "numericFields"),
        copy(c -> c.withOptimizer(ModelConfig.OptimizerKind.SGD, 0.3, 0.2),
            "optimizer", "embeddingLearningRate", "denseLearningRate"),
        copy(c -> c.withWeighting(ModelConfig.Weighting.FIXED, Map.of("ctr", 2.0)),
            "weighting", "taskWeights"),
        copy(c -> c.withGradNormAlpha(1.5), "gradNormAlpha"),
        copy(c -> c.withWeightingLearningRate(0.5), "weightingLearningRate"),
        copy(c -> c.withLossScales(Map.of("ctr", 3.0)), "lossScales"),
        copy(c -> c.withPcgrad(true), "pcgrad"),
        copy(c -> c.withAdmissionThreshold(3), "admissionThreshold"),
        copy(c -> c.withRowExpiryEvents(1_000), "rowExpiryEvents"),
        copy(c -> c.withAffinity(0.5, 7), "affinityDecay", "affinityInterval"),
        copy(c -> c.withEmbeddingInitScale(0.3), "embeddingInitScale"),
        copy(c -> c.withSeed(7), "seed"));
  }

  private static Arguments copy(UnaryOperator<ModelConfig> change, String... components) {
    return Arguments.of(Set.of(components), change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("copies")
  void withCopiesShouldChangeOnlyTheirSetting(Set<String> components,
      UnaryOperator<ModelConfig> change) {
    // Given the defaults, When one copy method is applied
    ModelConfig c = ModelConfig.defaults();
    ModelConfig d = change.apply(c);
    // Then exactly its components differ
    assertThat(RecordComponents.changed(c, d)).isEqualTo(new TreeSet<>(components));
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
