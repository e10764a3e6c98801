package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.snapshot.ConfigCodec;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.streams.config.CheckpointConfig;
import io.tandem.streams.learning.PrequentialTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint + batch log ({@link CommitWriter} writing, {@link ModelStores#restore} and
 * {@link ModelStores#replay} reading): the restored model is compared with a twin that learned
 * the same batches and never stopped, bit for bit (dense blob bytes and every row's bytes).
 */
class CommitWriterTest {

  private static final List<TaskSpec> TASKS = LearnerFixture.TASKS;
  private static final ModelConfig CONFIG =
      LearnerFixture.CONFIG.withContextFields(List.of("device"), List.of("hour"));
  private static final JsonCodec<LabelledEvent> CODEC =
      Codecs.labelledEvents(LearnerFixture.CATALOG);
  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final CheckpointConfig POLICY = new CheckpointConfig(INTERVAL, 1_000_000);

  private final MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
  private long nowMs = 1_000;

  private <K> KeyValueStore<K, byte[]> store(String name, Serde<K> keys) {
    KeyValueStore<K, byte[]> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(name), keys, Serdes.ByteArray())
        .withLoggingDisabled().withCachingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    return store;
  }

  /** Batch {@code b}: 8 events over 3 users and 5 items, so batches touch the same rows. */
  private static List<LabelledEvent> batch(int b) {
    List<LabelledEvent> events = new ArrayList<>();
    for (int i = 8 * b; i < 8 * b + 8; i++) {
      events.add(i % 4 == 3
          ? new LabelledEvent("r-" + i, "preference", "u" + (i % 3), "i" + (i % 5), 1 + i % 5,
              2000L + i, Map.of())
          : new LabelledEvent("e-" + i, "ctr", "u" + (i % 3), "i" + (i % 5), i % 2, 1000L + i,
              Map.of("device", i % 2 == 0 ? "mobile" : "desktop", "hour", i % 24)));
    }
    return events;
  }

  /** A model's complete learned state: dense blob and every row, rows in key order. */
  private record ModelState(String dense, Map<String, String> rows) {}

  private static ModelState state(MultiTaskModel model) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      model.writeSnapshot(bytes);
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
      in.readInt();
      ConfigCodec.read(in, in.readInt());
      byte[] dense = in.readNBytes(in.readInt());
      Map<String, String> rows = new TreeMap<>();
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        byte[] key = in.readNBytes(in.readInt());
        byte[] row = in.readNBytes(in.readInt());
        rows.put(HexFormat.of().formatHex(key), HexFormat.of().formatHex(row));
      }
      assertThat(in.available()).isZero();
      return new ModelState(HexFormat.of().formatHex(dense), rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <K> List<K> keys(KeyValueStore<K, byte[]> store) {
    List<K> out = new ArrayList<>();
    try (KeyValueIterator<K, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<K, byte[]> e = it.next();
        out.add(e.key);
      }
    }
    return out;
  }

  private static List<Long> sequences(KeyValueStore<Bytes, byte[]> log) {
    return keys(log).stream().map(k -> BatchLog.sequence(k.get())).toList();
  }

  /** One learner's stores, trainer and writer. */
  private final class Learner {
    final KeyValueStore<Bytes, byte[]> rows;
    final KeyValueStore<String, byte[]> dense;
    final KeyValueStore<Bytes, byte[]> log;
    final MultiTaskModel model;
    final PrequentialTrainer trainer;
    final CommitWriter writer;
    final ModelStores.Replayed replayed;

    /** A fresh learner on fresh stores. */
    Learner(CheckpointConfig policy, Function<MultiTaskModel, PrequentialTrainer> trainers) {
      this(store("rows", Serdes.Bytes()), store("dense", Serdes.String()),
          store("log", Serdes.Bytes()), policy, trainers);
    }

    /** A learner restored from {@code stores} (a restart): checkpoint, then the log. */
    Learner(Learner stores, CheckpointConfig policy,
        Function<MultiTaskModel, PrequentialTrainer> trainers) {
      this(stores.rows, stores.dense, stores.log, policy, trainers);
    }

    private Learner(KeyValueStore<Bytes, byte[]> rows, KeyValueStore<String, byte[]> dense,
        KeyValueStore<Bytes, byte[]> log, CheckpointConfig policy,
        Function<MultiTaskModel, PrequentialTrainer> trainers) {
      this.rows = rows;
      this.dense = dense;
      this.log = log;
      model = MultiTaskModel.create(CONFIG, TASKS);
      ModelStores.restore(model, dense, rows);
      model.forgetDirtyRows();
      trainer = trainers.apply(model);
      ModelStores.restoreWatch(trainer, dense);
      replayed = ModelStores.replay(trainer, model, dense, log, "test");
      writer = new CommitWriter(dense, rows, log, CODEC, TASKS.size(), policy, () -> nowMs);
      writer.resume(replayed);
    }

    void learn(List<LabelledEvent> events) {
      PrequentialTrainer.BatchResult result = trainer.predictThenLearn(events);
      writer.logBatch(events, result.versionAfter(), model.events());
    }

    void commit() {
      writer.beforeCommit(trainer, model, List.of(), List.of());
    }
  }

  private static PrequentialTrainer plain(MultiTaskModel model) {
    return new PrequentialTrainer(model);
  }

  @Test
  void shouldRestoreTheNeverStoppedModelBitForBitAcrossCheckpointsAndTruncations() {
    // Given a learner committing every second, checkpointing every 30 s, and a twin that never
    // stops
    Learner learner = new Learner(POLICY, CommitWriterTest::plain);
    MultiTaskModel twin = MultiTaskModel.create(CONFIG, TASKS);
    PrequentialTrainer twinTrainer = new PrequentialTrainer(twin);

    int b = 0;
    for (int commit = 0; commit < 75; commit++) {
      for (int i = 0; i < 1 + commit % 3; i++, b++) {
        learner.learn(batch(b));
        twinTrainer.predictThenLearn(batch(b));
      }
      nowMs += 1_000;
      learner.commit();

      // Then after every commit (two with a checkpoint, the next ones with a truncation) a
      // restart restores exactly the twin
      Learner restarted = new Learner(learner, POLICY, CommitWriterTest::plain);
      assertThat(restarted.replayed.clean()).isTrue();
      assertThat(state(restarted.model)).as("restored after commit %d", commit)
          .isEqualTo(state(twin));
    }
    // And two checkpoints were taken, and the log holds only what the last one does not cover
    // (at 30 s between checkpoints, 75 commits of a second each)
    assertThat(learner.writer.checkpoints()).isEqualTo(2);
    Checkpoint mark = Checkpoint.decode(learner.dense.get(ModelStores.CHECKPOINT_KEY));
    assertThat(sequences(learner.log)).first().isEqualTo(mark.nextSequence());
    assertThat(mark.version()).isLessThan(twin.version());
  }

  @Test
  void shouldSkipEntriesTheCheckpointCoversWhenRestartedBeforeTheirTruncation() {
    // Given a learner whose last commit checkpointed, so its log still holds the covered entries
    Learner learner = new Learner(POLICY, CommitWriterTest::plain);
    MultiTaskModel twin = MultiTaskModel.create(CONFIG, TASKS);
    PrequentialTrainer twinTrainer = new PrequentialTrainer(twin);
    for (int b = 0; b < 6; b++) {
      learner.learn(batch(b));
      twinTrainer.predictThenLearn(batch(b));
      nowMs += 10_000;
      learner.commit();
    }
    Checkpoint mark = Checkpoint.decode(learner.dense.get(ModelStores.CHECKPOINT_KEY));
    assertThat(learner.writer.checkpoints()).isEqualTo(2);
    assertThat(sequences(learner.log)).contains(mark.nextSequence() - 1);

    // When it crashes before the next commit and a successor restores the stores
    Learner successor = new Learner(learner, POLICY, CommitWriterTest::plain);

    // Then the covered entries are skipped: the model is the twin's
    assertThat(successor.replayed.batches()).isZero();
    assertThat(state(successor.model)).isEqualTo(state(twin));

    // And when the successor learns on, its first commit deletes them, and numbering continues
    successor.learn(batch(6));
    twinTrainer.predictThenLearn(batch(6));
    nowMs += 1_000;
    successor.commit();
    assertThat(sequences(successor.log)).containsExactly(mark.nextSequence());
    Learner third = new Learner(successor, POLICY, CommitWriterTest::plain);
    assertThat(third.replayed.batches()).isEqualTo(1);
    assertThat(state(third.model)).isEqualTo(state(twin));
  }

  @Test
  void shouldReplayThroughTheDriftWatchAndRestoreItsModelBitForBit() {
    // Given a watched learner (drift detectors and transfer) and its never-stopped twin
    Function<MultiTaskModel, PrequentialTrainer> watched = m ->
        PrequentialTrainer.watched(m, TransferConfig.defaults(), 100);
    Learner learner = new Learner(POLICY, watched);
    MultiTaskModel twin = MultiTaskModel.create(CONFIG, TASKS);
    PrequentialTrainer twinTrainer = watched.apply(twin);
    for (int b = 0; b < 40; b++) {
      learner.learn(batch(b));
      twinTrainer.predictThenLearn(batch(b));
      nowMs += 2_000;
      learner.commit();
    }

    // When restarted between two checkpoints
    Learner restarted = new Learner(learner, POLICY, watched);

    // Then model and drift watch are the twin's
    assertThat(restarted.replayed.batches()).isPositive();
    assertThat(state(restarted.model)).isEqualTo(state(twin));
    assertThat(restarted.trainer.exportWatchState()).hasValueSatisfying(
        s -> assertThat(s).isEqualTo(twinTrainer.exportWatchState().orElseThrow()));
  }

  @Test
  void shouldCheckpointWhenTheLogReachesItsEventBound() {
    // Given at most 20 logged events (batches of 8) and a long interval
    Learner learner = new Learner(new CheckpointConfig(INTERVAL, 20), CommitWriterTest::plain);

    // When two batches are committed, then a third
    learner.learn(batch(0));
    learner.learn(batch(1));
    learner.commit();
    long afterTwo = learner.writer.checkpoints();
    learner.learn(batch(2));
    learner.commit();

    // Then only the commit that reached 24 logged events checkpointed
    assertThat(afterTwo).isZero();
    assertThat(learner.writer.checkpoints()).isEqualTo(1);
    assertThat(Checkpoint.decode(learner.dense.get(ModelStores.CHECKPOINT_KEY)))
        .isEqualTo(new Checkpoint(3, learner.model.version(), learner.model.events()));
  }

  @Test
  void shouldCheckpointAfterAChangeTheLogDoesNotRecord() {
    // Given a learner that learned one batch (logged, no checkpoint due)
    Learner learner = new Learner(POLICY, CommitWriterTest::plain);
    learner.learn(batch(0));
    learner.commit();
    assertThat(learner.dense.get(ModelStores.DENSE_KEY)).isNull();

    // When the model changes outside the log (e.g. a replica-sync mix) and the next commit comes
    learner.writer.checkpointRequired();
    learner.commit();

    // Then that commit checkpointed
    assertThat(learner.dense.get(ModelStores.DENSE_KEY)).isEqualTo(learner.model.exportDense());
    assertThat(learner.writer.checkpoints()).isEqualTo(1);
  }

  @Test
  void shouldCheckpointEveryCommitAndLogNothingWithAZeroInterval() {
    // Given the layout without a log
    Learner learner = new Learner(CheckpointConfig.everyCommit(), CommitWriterTest::plain);
    MultiTaskModel twin = MultiTaskModel.create(CONFIG, TASKS);
    PrequentialTrainer twinTrainer = new PrequentialTrainer(twin);

    // When batches are learned and committed
    for (int b = 0; b < 3; b++) {
      learner.learn(batch(b));
      twinTrainer.predictThenLearn(batch(b));
      learner.commit();
    }

    // Then every commit checkpointed, nothing was logged, and a restart is exact
    assertThat(learner.writer.checkpoints()).isEqualTo(3);
    assertThat(keys(learner.log)).isEmpty();
    assertThat(state(new Learner(learner, CheckpointConfig.everyCommit(),
        CommitWriterTest::plain).model)).isEqualTo(state(twin));
  }

  @Test
  void shouldWriteNothingWhenNothingChangedSinceTheLastCall() {
    // Given a commit right after a checkpoint, then the stores cleared behind the writer's back
    Learner learner = new Learner(CheckpointConfig.everyCommit(), CommitWriterTest::plain);
    learner.learn(batch(0));
    learner.commit();
    for (Bytes key : keys(learner.rows)) {
      learner.rows.delete(key);
    }
    for (String key : keys(learner.dense)) {
      learner.dense.delete(key);
    }

    // When commits come with nothing learned, even after the checkpoint interval
    nowMs += INTERVAL.toMillis();
    learner.commit();
    learner.commit();

    // Then they wrote nothing
    assertThat(keys(learner.rows)).isEmpty();
    assertThat(keys(learner.dense)).isEmpty();
    assertThat(keys(learner.log)).isEmpty();
  }

  @Test
  void shouldDiscardEntriesThatDoNotFitTheModelAndNumberNewOnesAfterThem() {
    // Given a log whose second entry is for a task the model lacks (an at_least_once crash
    // between growing a task and checkpointing it)
    Learner learner = new Learner(POLICY, CommitWriterTest::plain);
    learner.learn(batch(0));
    LabelledEvent foreign = new LabelledEvent("x", "other", "u1", "i1", 1, 5, Map.of());
    learner.log.put(Bytes.wrap(BatchLog.key(1)), BatchLog.encode(
        new BatchLog.Entry(1, 2, 9, List.of(foreign))));
    learner.log.put(Bytes.wrap(BatchLog.key(2)), BatchLog.encode(
        new BatchLog.Entry(2, 3, 17, batch(1))));

    // When restored
    Learner restarted = new Learner(learner, POLICY, CommitWriterTest::plain);

    // Then the first entry is re-learned, the rest discarded, and the next commit deletes them,
    // keeps the new entry (numbered after them) and checkpoints
    assertThat(restarted.replayed.clean()).isFalse();
    assertThat(restarted.replayed.batches()).isEqualTo(1);
    assertThat(restarted.replayed.discarded()).containsExactly(1L, 2L);
    restarted.learn(batch(1));
    restarted.commit();
    assertThat(sequences(restarted.log)).containsExactly(0L, 3L);
    assertThat(restarted.writer.checkpoints()).isEqualTo(1);
  }

  @Test
  void shouldStoreTheBufferedEventsAndDeleteThemOnceLearned() {
    // Given two buffered events
    Learner learner = new Learner(POLICY, CommitWriterTest::plain);
    List<PendingEvents.Entry> pending = List.of(new PendingEvents.Entry(5, batch(0).get(0)),
        new PendingEvents.Entry(6, batch(0).get(1)));

    // When a commit finds them buffered
    learner.writer.pendingChanged();
    learner.writer.beforeCommit(learner.trainer, learner.model, pending, List.of());

    // Then they are stored in order
    assertThat(PendingEvents.decode(learner.dense.get(ModelStores.PENDING_KEY), CODEC).entries())
        .isEqualTo(pending);

    // And when the next commit finds the buffer empty, the entry is gone
    learner.writer.pendingChanged();
    learner.commit();
    assertThat(learner.dense.get(ModelStores.PENDING_KEY)).isNull();
  }
}
