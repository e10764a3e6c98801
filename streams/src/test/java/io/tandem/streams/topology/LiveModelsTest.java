package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.Example;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.streams.http.Scores;
import io.tandem.streams.http.ServingModel;
import io.tandem.streams.learning.PrequentialTrainer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class LiveModelsTest {

  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));
  private static final ModelConfig CONFIG =
      ModelConfig.defaults().withEmbeddingDim(4).withExperts(2, 8).withTowerSize(4);

  private static LiveModel model(String id, int partition) {
    MultiTaskModel m = MultiTaskModel.create(CONFIG, TASKS);
    return LiveModel.of(id, partition, new PrequentialTrainer(m), m);
  }

  private static LabelledEvent click(int i) {
    return new LabelledEvent("e-" + i, "ctr", "u" + (i % 7), "i" + (i % 11), i % 2, 1L + i,
        Map.of());
  }

  @Test
  void shouldRouteAUserToThePartitionKafkasDefaultPartitionerPicks() {
    LiveModels models = new LiveModels(4);

    for (int u = 0; u < 200; u++) {
      String user = "user-" + u;
      assertThat(models.partitionOf(user)).isEqualTo(BuiltInPartitioner.partitionForKey(
          user.getBytes(StandardCharsets.UTF_8), 4));
    }
  }

  @Test
  void shouldServeAUserFromTheModelOfItsPartitionOnly() {
    // Given: models for partitions 0 and 1 of 2
    LiveModels models = new LiveModels(2);
    LiveModel zero = model("0_0", 0);
    LiveModel one = model("0_1", 1);
    models.register(one);
    models.register(zero);
    String userOfOne = "u1";
    while (models.partitionOf(userOfOne) != 1) {
      userOfOne = userOfOne + "x";
    }

    // Then
    assertThat(models.modelFor(userOfOne)).containsSame(one.serving());
    assertThat(models.all()).extracting(ServingModel::id).containsExactly("0_0", "0_1");

    // When: partition 1's task closes
    models.unregister(one);

    // Then
    assertThat(models.modelFor(userOfOne)).isEmpty();
    assertThat(models.size()).isEqualTo(1);
  }

  @Test
  void shouldNotUnregisterAModelThatReplacedTheClosingOne() {
    LiveModels models = new LiveModels(1);
    LiveModel old = model("0_0", 0);
    LiveModel replacement = model("0_0", 0);
    models.register(old);
    models.register(replacement);

    models.unregister(old);

    assertThat(models.all()).containsExactly(replacement.serving());
  }

  @Test
  void shouldReportTheHighestVersionAndPooledMetrics() {
    LiveModels models = new LiveModels(2);
    LiveModel a = model("0_0", 0);
    LiveModel b = model("0_1", 1);
    models.register(a);
    models.register(b);

    a.trainer().predictThenLearn(List.of(click(0), click(1)));
    a.trainer().predictThenLearn(List.of(click(2), click(3)));
    b.trainer().predictThenLearn(List.of(click(4)));

    assertThat(models.maxVersion()).isEqualTo(2);
    assertThat(models.metrics("ctr").total()).isEqualTo(5);
    assertThat(models.metrics("preference").size()).isZero();
    assertThat(models.lossWeight("ctr")).isEqualTo(1.0);
    assertThat(models.tasks()).isEqualTo(TASKS);
  }

  @Test
  void shouldServeConsistentScoresWhileAnotherThreadTrains() throws Exception {
    // Given: one model, served from other threads while it learns
    LiveModels models = new LiveModels(1);
    LiveModel live = model("0_0", 0);
    models.register(live);
    ServingModel serving = models.modelFor("u1").orElseThrow();
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService readers = Executors.newFixedThreadPool(2);
    List<Future<Long>> reads = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      reads.add(readers.submit(() -> {
        long last = 0;
        long count = 0;
        while (!done.get()) {
          Scores s = serving.predict(Example.of("u1", "i1"));
          if (s.modelVersion() < last || !Double.isFinite(s.byTask().get("ctr"))) {
            throw new AssertionError("version went back or score not finite: " + s);
          }
          last = s.modelVersion();
          count++;
        }
        return count;
      }));
    }

    // When
    for (int b = 0; b < 200; b++) {
      live.trainer().predictThenLearn(List.of(click(b), click(b + 1), click(b + 2)));
    }
    done.set(true);

    // Then: readers ran without error and the final answer matches the trained model
    for (Future<Long> f : reads) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isPositive();
    }
    readers.shutdown();
    Scores last = serving.predict(Example.of("u1", "i1"));
    assertThat(last.modelVersion()).isEqualTo(200);
    assertThat(last.byTask()).isEqualTo(live.model().predict(List.of(Example.of("u1", "i1")))
        .get(0));
  }

  @Test
  void shouldRejectANonPositivePartitionCount() {
    assertThatThrownBy(() -> new LiveModels(0))
        .hasMessage("partitions: must be >= 1, got 0");
  }
}
