package io.tandem.streams.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.streams.config.CheckpointConfig;
import io.tandem.streams.config.SyncConfig;
import io.tandem.streams.learning.PipelinedLearning;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import io.tandem.streams.tasks.ModelShape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learning processor of one stream task: buffers labelled events into micro-batches,
 * predicts then learns each batch, answers requests at once, and keeps the model in its stores.
 *
 * <p>Lifecycle: {@link #init} creates the model from its configuration, restores it from
 * {@link ModelStores} (so a restarted or moved task continues at its stored version), re-buffers
 * the events that were pending when the task last committed, registers the model in
 * {@link LiveModels}, and schedules a wall-clock punctuator every {@code linger} that flushes a
 * non-empty partial batch. {@link #process}: an event is appended to the buffer; a full buffer
 * is flushed; a request is answered from the current model and forwarded immediately. A flush:
 * predict the batch (one {@link io.tandem.schemas.PredictionSource#EVENT} prediction per event,
 * forwarded with the event's record timestamp), learn, publish what the drift watch did
 * ({@link TransferPublisher}), and log the batch ({@link CommitWriter#logBatch}). The model's
 * stores hold a checkpoint plus a batch log ({@link ModelStores}): each learned batch goes into
 * the log at once; just before each commit ({@link CommitWriter}, run by
 * {@link BeforeCommitHooks}) the events still buffered ({@link ModelStores#PENDING_KEY}) are
 * written, and, every {@code learner.checkpoint.interval.ms}, a checkpoint (rows changed since
 * the previous one, the dense blob), so every event whose offset a commit includes is either
 * learned in that commit's model (checkpointed or logged) or stored with it. {@link #init}
 * restores the checkpoint and re-learns the logged batches without publishing their predictions
 * again.
 * Every {@code learner.snapshot.interval.ms} a wall-clock punctuator publishes the model's
 * snapshot ({@link SnapshotPublisher}). {@link #close} unregisters the model and the hook.
 *
 * <p>Replica sync ({@link SyncConfig#enabled()}): a second wall-clock punctuator every
 * {@code sync.interval.ms} runs a {@link ReplicaSyncStep} between two batches.
 *
 * <p>Tasks declared at runtime ({@link DynamicTaskCatalog}): before a batch or a request, if the
 * catalog accepted a task the model lacks, the model grows by it ({@link TaskGrowth}; the serving
 * view is re-registered) and, when drift is watched, the task is onboarded; the grown shape is
 * stored with the dense blob ({@link ModelShape#STORE_KEY}) so {@link #init} rebuilds it after a
 * restart.
 *
 * <p>Pipelined learning ({@code learner.pipelined}, {@link PipelinedLearning}): a flush predicts
 * and forwards the batch on the stream thread, then hands its learn to this stream task's trainer
 * thread ({@code tandem-trainer-<task id>}) and returns, so the stream thread buffers the next
 * records meanwhile. Every step of the stream thread that touches the model or the stores awaits
 * that learn first and then does what the sequential flush did after learning (log the batch,
 * count it, publish its transfer updates): the next flush, a request, every punctuation, the
 * before-commit action (so a commit holds every batch whose predictions it publishes); and
 * {@link #close} awaits it too (Kafka Streams commits before it closes a task). Hence the same operations reach the model in the same order as without
 * pipelining, and every output and stored byte is the same. One difference in timing: transfer
 * updates of a learn that a commit awaited cannot be forwarded during the commit; they are
 * forwarded at the next record or punctuation and, meanwhile, stored with that commit
 * ({@link ModelStores#UNSENT_TRANSFERS_KEY}) so a restart publishes them. A learn's exception is
 * rethrown by the next await, on the stream thread.
 */
final class LearnerProcessor extends ContextualProcessor<String, Inbound, String, Outbound> {

  private static final Logger LOG = LoggerFactory.getLogger(LearnerProcessor.class);

  private final ModelConfig modelConfig;
  private final List<TaskSpec> tasks;
  private final int batchSize;
  private final Duration linger;
  private final JsonCodec<LabelledEvent> eventCodec;
  private final LiveModels models;
  private final MeterRegistry meters;
  private final TransferConfig transfer;
  private final Duration snapshotInterval;
  private final BeforeCommitHooks hooks;
  private final Runnable saveOnCommit = this::beforeCommit;
  private final SyncConfig sync;
  private final DynamicTaskCatalog catalog;
  private final CheckpointConfig checkpoint;
  private final boolean pipelined;

  private final List<PendingEvents.Entry> buffer = new ArrayList<>();
  // Transfer updates made but not yet forwarded (a learn awaited by a commit), in order.
  private final List<TransferPublisher.Ready> unsent = new ArrayList<>();
  private KeyValueStore<String, byte[]> denseStore;
  private MultiTaskModel model;
  private PrequentialTrainer trainer;
  private LiveModel live;
  private TaskCounters counters;
  private TaskGrowth growth;
  private CommitWriter commits;
  private TransferPublisher transfers;
  private Counter eventPredictions;
  private Counter requestPredictions;
  private DistributionSummary batchSizes;
  private Timer trainTime;
  private Timer requestLatency;
  // Replica sync; set in init only when sync is enabled.
  private ReplicaSyncStep syncStep;
  // Pipelined learning; set in init only when pipelined. inFlight: the batch it is learning.
  private PipelinedLearning pipeline;
  private InFlight inFlight;

  LearnerProcessor(ModelConfig modelConfig, List<TaskSpec> tasks, int batchSize,
      Duration linger, JsonCodec<LabelledEvent> eventCodec, LiveModels models,
      MeterRegistry meters, TransferConfig transfer, Duration snapshotInterval,
      BeforeCommitHooks hooks, SyncConfig sync, DynamicTaskCatalog catalog,
      CheckpointConfig checkpoint, boolean pipelined) {
    this.modelConfig = Objects.requireNonNull(modelConfig, "modelConfig");
    this.tasks = List.copyOf(tasks);
    this.batchSize = batchSize;
    this.linger = Objects.requireNonNull(linger, "linger");
    this.eventCodec = Objects.requireNonNull(eventCodec, "eventCodec");
    this.models = Objects.requireNonNull(models, "models");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.transfer = Objects.requireNonNull(transfer, "transfer");
    this.snapshotInterval = Objects.requireNonNull(snapshotInterval, "snapshotInterval");
    this.hooks = Objects.requireNonNull(hooks, "hooks");
    this.sync = Objects.requireNonNull(sync, "sync");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    this.pipelined = pipelined;
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    super.init(context);
    denseStore = context.getStateStore(ModelStores.DENSE_STORE);
    KeyValueStore<Bytes, byte[]> rowsStore = context.getStateStore(ModelStores.ROWS_STORE);
    KeyValueStore<Bytes, byte[]> logStore = context.getStateStore(ModelStores.LOG_STORE);
    commits = new CommitWriter(denseStore, rowsStore, logStore, eventCodec, tasks.size(),
        checkpoint, context::currentSystemTimeMs);
    model = createModel();
    ModelStores.restore(model, denseStore, rowsStore);
    model.forgetDirtyRows();
    boolean discarded = false;
    if (transfer.detector() == DetectorKind.NONE && model.shadowTask() != null) {
      // Stored while drift was watched; nothing would ever decide it now: the incumbent stays.
      LOG.info("stream task {}: drift watch off, discarding the transfer candidate for task '{}'",
          context.taskId(), model.shadowTask());
      model.discardShadow();
      discarded = true;
    }
    trainer = transfer.detector() == DetectorKind.NONE
        ? new PrequentialTrainer(model)
        : PrequentialTrainer.watched(model, transfer, PrequentialTrainer.DEFAULT_METRICS_WINDOW);
    ModelStores.restoreWatch(trainer, denseStore);
    replayLog(logStore);
    if (discarded) {
      commits.checkpointRequired();
    }
    counters = new TaskCounters(meters);
    tasks.forEach(counters::register);
    growth = new TaskGrowth(catalog, meters, models, counters, context.taskId().toString());
    growth.adoptRestored(model, tasks.size());
    transfers = new TransferPublisher(context, meters);
    eventPredictions = TandemMeters.predictionsPublished(meters, "event");
    requestPredictions = TandemMeters.predictionsPublished(meters, "request");
    batchSizes = TandemMeters.batchSize(meters);
    trainTime = TandemMeters.batchTrainTime(meters);
    requestLatency = TandemMeters.requestLatency(meters);
    reloadPending();
    reloadUnsentTransfers();
    live = LiveModel.of(context.taskId().toString(), context.taskId().partition(), trainer, model);
    models.register(live);
    hooks.register(context.taskId(), saveOnCommit);
    Duration interval = linger.isZero() ? Duration.ofMillis(1) : linger;
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    if (!snapshotInterval.isZero()) {
      SnapshotPublisher snapshots = new SnapshotPublisher(context);
      context.schedule(snapshotInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
        settle();
        snapshots.publish(now, trainer, model);
      });
    }
    if (sync.enabled()) {
      syncStep = new ReplicaSyncStep(context, sync, meters, tasks);
      context.schedule(sync.interval(), PunctuationType.WALL_CLOCK_TIME, now -> {
        settle();
        if (syncStep.tick(now, trainer, model)) {
          commits.checkpointRequired();
        }
      });
    }
    if (pipelined) {
      // Last, so that a failure earlier in init leaves no thread behind.
      pipeline = new PipelinedLearning(trainer, "tandem-trainer-" + context.taskId());
    }
  }

  @Override
  public void process(Record<String, Inbound> record) {
    sendUnsentTransfers();
    Inbound value = record.value();
    if (value instanceof Inbound.Event e) {
      LabelledEvent event = e.event();
      buffer.add(new PendingEvents.Entry(record.timestamp(), event));
      commits.pendingChanged();
      counters.consumed(event.task());
      if (buffer.size() >= batchSize) {
        flush();
      }
    } else if (value instanceof Inbound.Request r) {
      settle();
      growForDeclaredTasks();
      Prediction answer = trainer.answer(r.request());
      context().forward(new Record<>(answer.user(), new Outbound.PredictionOut(answer),
          record.timestamp()));
      requestPredictions.increment();
      // Record timestamps are milliseconds (the producer's clock by default); a clock ahead of
      // ours counts as zero rather than as a negative latency.
      requestLatency.record(Duration.ofMillis(
          Math.max(0, System.currentTimeMillis() - record.timestamp())));
    } else {
      throw new IllegalStateException("the learner received " + value
          + "; rejected records must have been routed to the dead-letter topic");
    }
  }

  /**
   * Predicts, forwards and learns the buffered batch (pipelined: hands the learn to the trainer
   * thread); first settles the learn in flight, if any; nothing else if the buffer is empty.
   */
  private void flush() {
    settle();
    if (buffer.isEmpty()) {
      return;
    }
    growForDeclaredTasks();
    List<PendingEvents.Entry> batch = List.copyOf(buffer);
    List<LabelledEvent> events = new ArrayList<>(batch.size());
    for (PendingEvents.Entry p : batch) {
      events.add(p.event());
    }
    long start = System.nanoTime();
    if (pipeline == null) {
      PrequentialTrainer.BatchResult result = trainer.predictThenLearn(events);
      commits.logBatch(events, result.versionAfter(), model.events());
      trainTime.record(Duration.ofNanos(System.nanoTime() - start));
      forwardPredictions(batch, result.predictions());
      transfers.publish(result.transfers(), lastTimestamp(batch));
      counters.trained(batch);
      batchSizes.record(batch.size());
    } else {
      PrequentialTrainer.Predicted predicted = trainer.predictBatch(events);
      long predictNanos = System.nanoTime() - start;
      forwardPredictions(batch, predicted.predictions());
      pipeline.submit(predicted);
      inFlight = new InFlight(batch, events, predictNanos);
    }
    buffer.clear();
    commits.pendingChanged();
  }

  private void forwardPredictions(List<PendingEvents.Entry> batch, List<Prediction> predictions) {
    for (int i = 0; i < batch.size(); i++) {
      Prediction p = predictions.get(i);
      context().forward(new Record<>(p.user(), new Outbound.PredictionOut(p),
          batch.get(i).timestamp()));
    }
    eventPredictions.increment(batch.size());
  }

  private static long lastTimestamp(List<PendingEvents.Entry> batch) {
    return batch.get(batch.size() - 1).timestamp();
  }

  // ---------------------------------------------------------------- pipelined learning

  /**
   * Before a step of the stream thread that may forward: awaits the learn in flight and handles
   * it ({@link #awaitLearn}), then forwards the transfer updates still owed.
   */
  private void settle() {
    awaitLearn();
    sendUnsentTransfers();
  }

  /**
   * Awaits the learn in flight, if any, and does what the sequential flush does after learning:
   * logs the batch, times and counts it, and prepares its transfer updates (kept in
   * {@link #unsent} until a step that may forward). Rethrows the learn's exception.
   */
  private void awaitLearn() {
    if (pipeline == null) {
      return;
    }
    InFlight batch = inFlight;
    inFlight = null;
    pipeline.await().ifPresent(done -> {
      commits.logBatch(batch.events(), done.learned().versionAfter(), model.events());
      trainTime.record(Duration.ofNanos(batch.predictNanos() + done.learnNanos()));
      List<TransferPublisher.Ready> ready =
          transfers.prepare(done.learned().transfers(), lastTimestamp(batch.entries()));
      if (!ready.isEmpty()) {
        unsent.addAll(ready);
        commits.unsentTransfersChanged(false);
      }
      counters.trained(batch.entries());
      batchSizes.record(batch.entries().size());
    });
  }

  /** Forwards the transfer updates made but not yet forwarded, in order. */
  private void sendUnsentTransfers() {
    if (unsent.isEmpty()) {
      return;
    }
    for (TransferPublisher.Ready ready : unsent) {
      transfers.forward(ready);
    }
    unsent.clear();
    commits.unsentTransfersChanged(false);
  }

  /**
   * A batch whose learn is in flight on the trainer thread.
   *
   * @param entries the buffered entries, in batch order
   * @param events their events
   * @param predictNanos how long predicting it took on the stream thread
   */
  private record InFlight(List<PendingEvents.Entry> entries, List<LabelledEvent> events,
      long predictNanos) {}

  // ---------------------------------------------------------------- tasks declared at runtime

  /**
   * A fresh model of the configured shape, or of the grown shape stored beside the dense blob
   * ({@link ModelShape}) when the model grew by declared tasks before a restart.
   */
  private MultiTaskModel createModel() {
    try {
      return ModelShape.create(modelConfig, tasks, denseStore.get(ModelShape.STORE_KEY));
    } catch (IllegalArgumentException e) {
      throw new IncompatibleModelStateException("cannot restore the model from state store "
          + ModelStores.DENSE_STORE + " (" + e.getMessage() + "); a changed model configuration"
          + " or task list needs a new application.id or a reset of the application", e);
    }
  }

  /**
   * Grows the model by the tasks declared since the last check ({@link TaskGrowth}), saving the
   * rows the old model changed first; the serving view is re-registered with the grown model.
   */
  private void growForDeclaredTasks() {
    growth.grow(trainer, model, old -> commits.saveRows(trainer, old)).ifPresent(grown -> {
      model = grown;
      commits.checkpointRequired();
      models.unregister(live);
      live = LiveModel.of(live.id(), live.partition(), trainer, model);
      models.register(live);
    });
  }

  /** The before-commit action: writes what changed since the last commit. */
  private void beforeCommit() {
    awaitLearn();
    commits.beforeCommit(trainer, model, buffer, unsent);
  }

  @Override
  public void close() {
    hooks.unregister(context().taskId(), saveOnCommit);
    if (live != null) {
      models.unregister(live);
    }
    if (pipeline != null) {
      // Awaits the learn in flight: the model is quiet and the trainer thread gone on return.
      pipeline.close();
      LOG.debug("stream task {}: {} closed; {} learns ran on the stream thread (the trainer"
          + " thread had not started them)", context().taskId(), pipeline.threadName(),
          pipeline.learnsRunByCaller());
    }
  }

  /**
   * Re-learns the batches logged since the checkpoint (their predictions and transfer updates
   * were published when they were first learned, so nothing is forwarded) and continues the log.
   */
  private void replayLog(KeyValueStore<Bytes, byte[]> logStore) {
    long start = System.nanoTime();
    ModelStores.Replayed replayed = ModelStores.replay(trainer, model, denseStore, logStore,
        context().taskId().toString());
    commits.resume(replayed);
    if (replayed.batches() > 0 || !replayed.clean()) {
      LOG.info("stream task {}: re-learned {} logged batches ({} events) after the checkpoint in"
          + " {} ms, model version {}{}", context().taskId(), replayed.batches(),
          replayed.events(), (System.nanoTime() - start) / 1_000_000, model.version(),
          replayed.clean() ? "" : " (not clean: see the warnings above; checkpointing)");
    }
  }

  /** The transfer updates owed at the last commit, forwarded at the first step that may. */
  private void reloadUnsentTransfers() {
    byte[] stored = denseStore.get(ModelStores.UNSENT_TRANSFERS_KEY);
    if (stored == null) {
      return;
    }
    unsent.addAll(UnsentTransfers.decode(stored, Codecs.transferUpdates(Integer.MAX_VALUE)));
    commits.unsentTransfersChanged(true);
    LOG.info("stream task {}: {} transfer updates owed at the last commit restored",
        context().taskId(), unsent.size());
  }

  private void reloadPending() {
    byte[] stored = denseStore.get(ModelStores.PENDING_KEY);
    if (stored == null) {
      return;
    }
    PendingEvents.Restored restored = PendingEvents.decode(stored, eventCodec);
    for (String problem : restored.rejected()) {
      LOG.warn("dropping a buffered event of stream task {} that no longer validates (the task"
          + " list changed?): {}", context().taskId(), problem);
    }
    buffer.addAll(restored.entries());
    if (!restored.rejected().isEmpty()) {
      commits.pendingChanged();
    }
    if (!buffer.isEmpty()) {
      LOG.info("stream task {}: {} buffered events restored, model version {}",
          context().taskId(), buffer.size(), model.version());
    }
  }
}
