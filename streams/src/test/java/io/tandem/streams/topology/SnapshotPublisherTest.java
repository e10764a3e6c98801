package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.streams.learning.PrequentialTrainer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.junit.jupiter.api.Test;

class SnapshotPublisherTest {

  private static final List<TaskSpec> TASKS = List.of(TaskSpec.binary("ctr"));
  private static final ModelConfig CONFIG =
      ModelConfig.defaults().withEmbeddingDim(4).withExperts(2, 8).withTowerSize(4);

  private final MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
  private final MultiTaskModel model = MultiTaskModel.create(CONFIG, TASKS);
  private final PrequentialTrainer trainer = new PrequentialTrainer(model);
  private final SnapshotPublisher publisher = new SnapshotPublisher(context);

  private void learnOne() {
    model.learn(List.of(LabelledExample.of(Example.of("u1", "i1"), "ctr", 1)));
  }

  @Test
  void shouldPublishTheModelKeyedByStreamTaskWithTheGivenTimestamp() throws IOException {
    // Given a model that learned once
    learnOne();

    // When the punctuator fires
    publisher.publish(1_000L, trainer, model);

    // Then one snapshot went out, keyed by the stream task, and it reads back as this model
    List<CapturedForward<? extends String, ? extends Outbound>> out = context.forwarded();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).record().key()).isEqualTo(context.taskId().toString());
    assertThat(out.get(0).record().timestamp()).isEqualTo(1_000L);
    byte[] snapshot = ((Outbound.SnapshotOut) out.get(0).record().value()).snapshot();
    MultiTaskModel read = MultiTaskModel.readSnapshot(new ByteArrayInputStream(snapshot));
    assertThat(read.version()).isEqualTo(model.version());
    assertThat(read.exportDense()).isEqualTo(model.exportDense());
  }

  @Test
  void shouldPublishAgainOnlyAfterTheModelLearned() {
    // Given a published snapshot
    learnOne();
    publisher.publish(1_000L, trainer, model);

    // When the punctuator fires again without learning, then after learning
    publisher.publish(2_000L, trainer, model);
    int withoutLearning = context.forwarded().size();
    learnOne();
    publisher.publish(3_000L, trainer, model);

    // Then only the second firing after the first published anything
    assertThat(withoutLearning).isEqualTo(1);
    assertThat(context.forwarded()).extracting(f -> f.record().timestamp())
        .containsExactly(1_000L, 3_000L);
  }

  @Test
  void shouldNotPublishAModelThatLearnedNothing() {
    // Given a fresh model, When the punctuator fires
    publisher.publish(1_000L, trainer, model);

    // Then nothing is published until it has learned
    assertThat(context.forwarded()).isEmpty();
    learnOne();
    publisher.publish(2_000L, trainer, model);
    assertThat(context.forwarded()).extracting(f -> f.record().timestamp())
        .containsExactly(2_000L);
  }
}
