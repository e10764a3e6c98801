package io.tandem.streams.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelShapeTest {

  private static final ModelConfig CONFIG = ModelConfig.defaults().withEmbeddingDim(4)
      .withExperts(2, 8).withTowerSize(4);
  private static final List<TaskSpec> CONFIGURED = List.of(TaskSpec.binary("ctr"));

  @Test
  void shouldRebuildAGrownModelThatAcceptsItsDenseBlob() {
    // Given a configured model grown by conversion, and its stored shape and dense blob
    MultiTaskModel grown = MultiTaskModel.create(CONFIG, CONFIGURED)
        .withTask(TaskSpec.binary("conversion"), 2.0);
    byte[] shape = ModelShape.encode(grown);

    // When a restarted learner creates its model from the configuration and the stored shape
    MultiTaskModel rebuilt = ModelShape.create(CONFIG, CONFIGURED, shape);

    // Then it has the grown task list and takes the grown model's dense blob
    assertThat(rebuilt.tasks()).isEqualTo(grown.tasks());
    rebuilt.importDense(grown.exportDense());
    assertThat(rebuilt.fingerprint()).isEqualTo(grown.fingerprint());
  }

  @Test
  void shouldCreateTheConfiguredModelWithoutAStoredShape() {
    // When nothing is stored, Then the configured shape is created
    assertThat(ModelShape.create(CONFIG, CONFIGURED, null).tasks()).isEqualTo(CONFIGURED);
  }

  @Test
  void shouldRefuseAStoredShapeOfAnotherConfigurationOrTaskList() {
    // Given a shape stored by a model with another learning rate, and one of other tasks
    byte[] otherRate = ModelShape.encode(MultiTaskModel.create(
        CONFIG.withOptimizer(ModelConfig.OptimizerKind.ADAGRAD, 0.5, 0.5), CONFIGURED)
        .withTask(TaskSpec.binary("conversion"), 1.0));
    byte[] otherTasks = ModelShape.encode(MultiTaskModel.create(CONFIG,
        List.of(TaskSpec.binary("click"))).withTask(TaskSpec.binary("conversion"), 1.0));

    // When restored against the configuration, Then both are refused, saying what differs
    assertThatThrownBy(() -> ModelShape.create(CONFIG, CONFIGURED, otherRate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("configuration differs");
    assertThatThrownBy(() -> ModelShape.create(CONFIG, CONFIGURED, otherTasks))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tasks [click, conversion] do not start with the configured tasks"
            + " [ctr]");
  }
}
