package io.tandem.streams.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.schemas.LabelledEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PipelinedLearningTest {

  private static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("preference", 1, 5));
  private static final ModelConfig CONFIG = ModelConfig.defaults()
      .withEmbeddingDim(4).withExperts(2, 8).withTowerSize(4)
      .withContextFields(List.of("device"), List.of("hour"));
  /** A drift watch quick enough to alarm and transfer within a few hundred events. */
  private static final TransferConfig QUICK_DRIFT = TransferConfig.defaults()
      .withDetector(DetectorKind.PAGE_HINKLEY).withWarmupEvents(64).withShadowEvents(64);
  private static final int BATCH = 16;
  private static final int BATCHES = 60;
  /** The batch from which ctr's labels flip: an abrupt drift. */
  private static final int DRIFT_AT = 30;

  /** Seeded stream: ctr clicks follow the user until batch DRIFT_AT, then the opposite. */
  private static List<List<LabelledEvent>> stream(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<List<LabelledEvent>> batches = new ArrayList<>();
    int id = 0;
    for (int b = 0; b < BATCHES; b++) {
      List<LabelledEvent> batch = new ArrayList<>();
      for (int i = 0; i < BATCH; i++, id++) {
        int user = random.nextInt(20);
        String item = "i" + random.nextInt(10);
        Map<String, Object> context = Map.of("device", user % 2 == 0 ? "mobile" : "desktop",
            "hour", id % 24);
        if (random.nextInt(4) == 3) {
          batch.add(new LabelledEvent("e-" + id, "preference", "u" + user, item,
              1 + user % 5, 1_000L + id, context));
        } else {
          boolean clicks = (user % 3 == 0) != (b >= DRIFT_AT);
          batch.add(new LabelledEvent("e-" + id, "ctr", "u" + user, item, clicks ? 1 : 0,
              1_000L + id, context));
        }
      }
      batches.add(batch);
    }
    return batches;
  }

  private static PrequentialTrainer watchedTrainer() {
    return PrequentialTrainer.watched(MultiTaskModel.create(CONFIG, TASKS), QUICK_DRIFT,
        PrequentialTrainer.DEFAULT_METRICS_WINDOW);
  }

  private static byte[] snapshot(PrequentialTrainer trainer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ((MultiTaskModel) trainer.learner()).writeSnapshot(out);
    return out.toByteArray();
  }

  private static boolean trainerThreadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  @Test
  void shouldGiveBitIdenticalResultsToPredictThenLearnWithTheLearnOnTheTrainerThread()
      throws IOException {
    // Given: two trainers of the same watched model and a stream with an abrupt drift
    PrequentialTrainer sequential = watchedTrainer();
    PrequentialTrainer pipelined = watchedTrainer();
    List<List<LabelledEvent>> batches = stream(7);
    List<PrequentialTrainer.BatchResult> expected = new ArrayList<>();
    for (List<LabelledEvent> batch : batches) {
      expected.add(sequential.predictThenLearn(batch));
    }

    // When: the same batches go predict on this thread, learn on the trainer thread, awaited
    // only before the next predict
    List<PrequentialTrainer.Predicted> predicted = new ArrayList<>();
    List<PrequentialTrainer.Learned> learned = new ArrayList<>();
    try (PipelinedLearning pipeline = new PipelinedLearning(pipelined, "tandem-trainer-test")) {
      for (List<LabelledEvent> batch : batches) {
        pipeline.await().ifPresent(done -> learned.add(done.learned()));
        PrequentialTrainer.Predicted p = pipelined.predictBatch(batch);
        predicted.add(p);
        pipeline.submit(p);
        assertThat(pipeline.inFlight()).isTrue();
      }
      pipeline.await().ifPresent(done -> learned.add(done.learned()));
    }

    // Then: the same predictions, outcomes, drift/transfer events and versions, batch by batch,
    // and the same model and drift watch bytes at the end; the drift did fire a transfer
    assertThat(learned).hasSize(BATCHES);
    for (int b = 0; b < BATCHES; b++) {
      assertThat(predicted.get(b).predictions()).isEqualTo(expected.get(b).predictions());
      assertThat(predicted.get(b).outcomes()).isEqualTo(expected.get(b).outcomes());
      assertThat(learned.get(b).transfers()).isEqualTo(expected.get(b).transfers());
      assertThat(learned.get(b).versionAfter()).isEqualTo(expected.get(b).versionAfter());
    }
    assertThat(expected.stream().mapToInt(r -> r.transfers().size()).sum())
        .as("transfer events in the stream").isPositive();
    assertThat(snapshot(pipelined)).isEqualTo(snapshot(sequential));
    assertThat(pipelined.exportWatchState().orElseThrow())
        .isEqualTo(sequential.exportWatchState().orElseThrow());
    assertThat(pipelined.metrics()).isEqualTo(sequential.metrics());
  }

  @Test
  void shouldRethrowTheExceptionOfALearnAtTheNextAwaitAsSequentialLearningThrowsIt() {
    // Given: a batch scored and learned; learning it again fails inside learnBatch (its scores
    // belong to an older model), here on this thread
    List<LabelledEvent> batch = stream(3).get(0);
    PrequentialTrainer sequential = watchedTrainer();
    PrequentialTrainer.Predicted stale = sequential.predictBatch(batch);
    sequential.learnBatch(stale);
    Throwable expected = catchThrowable(() -> sequential.learnBatch(stale));
    assertThat(expected).as("sequential failure").isNotNull();
    PrequentialTrainer trainer = watchedTrainer();
    PrequentialTrainer.Predicted predicted = trainer.predictBatch(batch);
    trainer.learnBatch(predicted);

    try (PipelinedLearning pipeline = new PipelinedLearning(trainer, "tandem-trainer-fail")) {
      // When: the same failing learn is handed to the trainer thread (returns at once)
      pipeline.submit(predicted);

      // Then: the next await throws what the sequential call threw, and nothing is in flight
      assertThatThrownBy(pipeline::await)
          .isInstanceOf(expected.getClass())
          .hasMessage(expected.getMessage());
      assertThat(pipeline.inFlight()).isFalse();
      assertThat(pipeline.await()).isEmpty();
    }
    assertThat(trainer.version()).as("learned once").isEqualTo(1);
  }

  @Test
  void shouldFinishTheLearnInFlightWhenClosedAndEndTheTrainerThread() {
    // Given: a learn in flight
    PrequentialTrainer trainer = watchedTrainer();
    PipelinedLearning pipeline = new PipelinedLearning(trainer, "tandem-trainer-close");
    pipeline.submit(trainer.predictBatch(stream(5).get(0)));

    // When
    pipeline.close();

    // Then: the batch is learned, the thread is gone, and closing again changes nothing
    assertThat(trainer.version()).isEqualTo(1);
    assertThat(trainerThreadAlive("tandem-trainer-close")).isFalse();
    pipeline.close();
    assertThatThrownBy(() -> pipeline.submit(trainer.predictBatch(stream(5).get(1))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void shouldRefuseASecondLearnWhileOneIsInFlight() {
    PrequentialTrainer trainer = watchedTrainer();
    try (PipelinedLearning pipeline = new PipelinedLearning(trainer, "tandem-trainer-twice")) {
      PrequentialTrainer.Predicted batch = trainer.predictBatch(stream(9).get(0));
      pipeline.submit(batch);

      assertThatThrownBy(() -> pipeline.submit(batch))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("await it first");
    }
  }

  @Test
  void shouldRefuseToLearnABatchScoredByAnOlderModel() {
    // Given: a batch scored, then learned once
    PrequentialTrainer trainer = watchedTrainer();
    PrequentialTrainer.Predicted batch = trainer.predictBatch(stream(11).get(0));
    trainer.learnBatch(batch);

    // When / Then: learning it again is refused, naming both versions
    assertThatThrownBy(() -> trainer.learnBatch(batch))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scored by model version 0, the model is at version 1");
  }

  @Test
  void shouldKeepWaitingThroughAnInterruptAndReassertIt() throws InterruptedException {
    // Given: a learn in flight, awaited by a thread that is interrupted first
    PrequentialTrainer trainer = watchedTrainer();
    PipelinedLearning pipeline = new PipelinedLearning(trainer, "tandem-trainer-interrupt");
    pipeline.submit(trainer.predictBatch(stream(13).get(0)));
    boolean[] interruptedAfter = new boolean[1];
    long[] versionAfter = new long[1];
    Thread waiter = new Thread(() -> {
      Thread.currentThread().interrupt();
      pipeline.await();
      interruptedAfter[0] = Thread.currentThread().isInterrupted();
      versionAfter[0] = trainer.version();
      pipeline.close();
    });

    // When
    waiter.start();
    waiter.join(30_000);

    // Then: the await returned only once the batch was learned, with the interrupt kept
    assertThat(waiter.isAlive()).isFalse();
    assertThat(versionAfter[0]).isEqualTo(1);
    assertThat(interruptedAfter[0]).isTrue();
  }

  @Test
  void shouldRejectABlankThreadName() {
    assertThatThrownBy(() -> new PipelinedLearning(watchedTrainer(), " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threadName");
  }
}
