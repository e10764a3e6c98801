package io.tandem.streams.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class FollowedModelsTest {

  private static final List<TaskSpec> TASKS = List.of(TaskSpec.binary("ctr"));
  private static final ModelConfig SMALL =
      ModelConfig.defaults().withEmbeddingDim(4).withExperts(2, 8).withTowerSize(4);

  private static MultiTaskModel modelAtVersion(int version) {
    MultiTaskModel model = MultiTaskModel.create(SMALL, TASKS);
    for (int i = 0; i < version; i++) {
      model.learn(List.of(LabelledExample.of(Example.of("u1", "i1"), "ctr", i % 2)));
    }
    return model;
  }

  private static int partitionOf(String user, int partitions) {
    return Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Test
  void shouldRouteAUserToTheModelOfItsPartition() {
    // Given: the snapshots of stream tasks 0_0 and 0_1
    FollowedModels models = new FollowedModels(2);
    models.put("0_0", modelAtVersion(1));
    models.put("0_1", modelAtVersion(2));

    // When / Then: each user lands on the model of the partition Kafka puts its records in
    for (String user : List.of("u1", "u2", "u3", "u4", "u5")) {
      String expected = "0_" + partitionOf(user, 2);
      assertThat(models.modelFor(user)).get().extracting(m -> m.id()).isEqualTo(expected);
    }
    assertThat(models.all()).extracting(m -> m.id()).containsExactly("0_0", "0_1");
    assertThat(models.maxVersion()).isEqualTo(2);
  }

  @Test
  void shouldKeepTheNewerModelWhenAnOlderSnapshotArrivesLate() {
    FollowedModels models = new FollowedModels(1);

    boolean newer = models.put("0_0", modelAtVersion(3));
    boolean older = models.put("0_0", modelAtVersion(2));

    assertThat(newer).isTrue();
    assertThat(older).isFalse();
    assertThat(models.maxVersion()).isEqualTo(3);
  }

  @Test
  void shouldHaveNoModelForAPartitionWithoutSnapshot() {
    FollowedModels models = new FollowedModels(4);

    assertThat(models.modelFor("u1")).isEmpty();
    assertThat(models.maxVersion()).isZero();
    assertThat(FollowedModels.partitionOf("1_12")).isEqualTo(12);
    assertThat(FollowedModels.partitionOf("garbage")).isEqualTo(-1);
    assertThatThrownBy(() -> new FollowedModels(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partitions: must be >= 1, got 0");
  }
}
