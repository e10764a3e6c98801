package io.tandem.streams.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.RowKey;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.config.SyncConfig;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.learning.TransferUpdates;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import io.tandem.streams.tasks.ModelShape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * forwarded with the event's record timestamp), learn, write the dirty rows. The dense blob and
 * the events still buffered ({@link ModelStores#PENDING_KEY}) are written once per commit, just
 * before it ({@link BeforeCommitHooks}), so every event whose offset a commit includes is either
 * learned in that commit's model or stored with it. {@link #close} unregisters the model and the
 * hook.
 *
 * <p>Replica sync ({@link SyncConfig#enabled()}): a second wall-clock punctuator every
 * {@code sync.interval.ms} runs a {@link ReplicaSyncStep} between two batches.
 *
 * <p>Tasks declared at runtime ({@link DynamicTaskCatalog}): before a batch or a request, if the
 * catalog accepted a task the model lacks, the model grows by it
 * ({@link PrequentialTrainer#addTask}; the serving view is re-registered) and, when drift is
 * watched, the task is onboarded; the grown shape is stored with the dense blob
 * ({@link ModelShape#STORE_KEY}) so {@link #init} rebuilds it after a restart.
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
  private final Runnable saveOnCommit = this::saveOnCommit;
  private final SyncConfig sync;
  // Tasks declared at runtime (io.tandem.streams.tasks): the model grows when the catalog has
  // tasks it lacks, checked before each batch and request once the catalog changed.
  private final DynamicTaskCatalog catalog;
  private long catalogVersion = -1;

  private final List<PendingEvents.Entry> buffer = new ArrayList<>();
  private final Map<String, Counter> consumed = new HashMap<>();
  private final Map<String, Counter> trained = new HashMap<>();
  private KeyValueStore<String, byte[]> denseStore;
  private KeyValueStore<Bytes, byte[]> rowsStore;
  private MultiTaskModel model;
  private PrequentialTrainer trainer;
  private LiveModel live;
  private boolean denseChanged;
  private boolean bufferChanged;
  private long lastSnapshotVersion = -1;
  private Counter eventPredictions;
  private Counter requestPredictions;
  private DistributionSummary batchSizes;
  private Timer trainTime;
  private Timer requestLatency;
  // Replica sync; set in init only when sync is enabled.
  private ReplicaSyncStep syncStep;

  LearnerProcessor(ModelConfig modelConfig, List<TaskSpec> tasks, int batchSize,
      Duration linger, JsonCodec<LabelledEvent> eventCodec, LiveModels models,
      MeterRegistry meters, TransferConfig transfer, Duration snapshotInterval,
      BeforeCommitHooks hooks, SyncConfig sync, DynamicTaskCatalog catalog) {
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
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    super.init(context);
    denseStore = context.getStateStore(ModelStores.DENSE_STORE);
    rowsStore = context.getStateStore(ModelStores.ROWS_STORE);
    model = createModel();
    ModelStores.restore(model, denseStore, rowsStore);
    model.drainDirtyRows();
    if (transfer.detector() == DetectorKind.NONE && model.shadowTask() != null) {
      // Stored while drift was watched; nothing would ever decide it now: the incumbent stays.
      LOG.info("stream task {}: drift watch off, discarding the transfer candidate for task '{}'",
          context.taskId(), model.shadowTask());
      model.discardShadow();
    }
    trainer = transfer.detector() == DetectorKind.NONE
        ? new PrequentialTrainer(model)
        : PrequentialTrainer.watched(model, transfer, PrequentialTrainer.DEFAULT_METRICS_WINDOW);
    ModelStores.restoreWatch(trainer, denseStore);
    for (TaskSpec task : tasks) {
      consumed.put(task.name(), TandemMeters.eventsConsumed(meters, task.name()));
      trained.put(task.name(), TandemMeters.eventsTrained(meters, task.name()));
    }
    adoptGrownTasks();
    eventPredictions = TandemMeters.predictionsPublished(meters, "event");
    requestPredictions = TandemMeters.predictionsPublished(meters, "request");
    batchSizes = TandemMeters.batchSize(meters);
    trainTime = TandemMeters.batchTrainTime(meters);
    requestLatency = TandemMeters.requestLatency(meters);
    reloadPending();
    live = LiveModel.of(context.taskId().toString(), context.taskId().partition(), trainer, model);
    models.register(live);
    hooks.register(context.taskId(), saveOnCommit);
    Duration interval = linger.isZero() ? Duration.ofMillis(1) : linger;
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    if (!snapshotInterval.isZero()) {
      context.schedule(snapshotInterval, PunctuationType.WALL_CLOCK_TIME,
          now -> publishSnapshot(now));
    }
    if (sync.enabled()) {
      syncStep = new ReplicaSyncStep(context, sync, meters, tasks);
      context.schedule(sync.interval(), PunctuationType.WALL_CLOCK_TIME, now -> {
        if (syncStep.tick(now, trainer, model)) {
          denseChanged = true;
        }
      });
    }
  }

  @Override
  public void process(Record<String, Inbound> record) {
    Inbound value = record.value();
    if (value instanceof Inbound.Event e) {
      LabelledEvent event = e.event();
      buffer.add(new PendingEvents.Entry(record.timestamp(), event));
      bufferChanged = true;
      Counter c = consumed.get(event.task());
      if (c != null) {
        c.increment();
      }
      if (buffer.size() >= batchSize) {
        flush();
      }
    } else if (value instanceof Inbound.Request r) {
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

  /** Predicts, forwards and learns the buffered batch, then saves the model; no-op if empty. */
  private void flush() {
    if (buffer.isEmpty()) {
      return;
    }
    growForDeclaredTasks();
    List<LabelledEvent> events = new ArrayList<>(buffer.size());
    for (PendingEvents.Entry p : buffer) {
      events.add(p.event());
    }
    long start = System.nanoTime();
    PrequentialTrainer.BatchResult result = trainer.predictThenLearn(events);
    Map<RowKey, byte[]> dirty = drainDirtyRows();
    denseChanged = true;
    trainTime.record(Duration.ofNanos(System.nanoTime() - start));
    for (int i = 0; i < buffer.size(); i++) {
      Prediction p = result.predictions().get(i);
      context().forward(new Record<>(p.user(), new Outbound.PredictionOut(p),
          buffer.get(i).timestamp()));
    }
    eventPredictions.increment(buffer.size());
    publishTransfers(result.transfers(), buffer.get(buffer.size() - 1).timestamp());
    ModelStores.saveRows(dirty, rowsStore);
    for (PendingEvents.Entry p : buffer) {
      Counter c = trained.get(p.event().task());
      if (c != null) {
        c.increment();
      }
    }
    batchSizes.record(buffer.size());
    buffer.clear();
    bufferChanged = true;
  }

  /** The embedding rows changed since the last drain, taken under the trainer's lock. */
  private Map<RowKey, byte[]> drainDirtyRows() {
    trainer.lock().lock();
    try {
      return model.drainDirtyRows();
    } finally {
      trainer.lock().unlock();
    }
  }

  /**
   * Publishes the model's snapshot (key = stream task id) on the model topic, if it learned
   * anything since the last one; a snapshot over {@link ModelStores#MAX_SNAPSHOT_BYTES} is
   * logged and skipped.
   */
  private void publishSnapshot(long now) {
    byte[] snapshot;
    long version;
    trainer.lock().lock();
    try {
      version = model.version();
      if (version == lastSnapshotVersion) {
        return;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      model.writeSnapshot(out);
      snapshot = out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model snapshot", e);
    } finally {
      trainer.lock().unlock();
    }
    if (snapshot.length > ModelStores.MAX_SNAPSHOT_BYTES) {
      LOG.warn("stream task {}: model snapshot of {} bytes exceeds {} bytes; not published"
          + " (configure model.row.expiry.events or a smaller model)", context().taskId(),
          snapshot.length, ModelStores.MAX_SNAPSHOT_BYTES);
      return;
    }
    context().forward(new Record<>(context().taskId().toString(),
        new Outbound.SnapshotOut(snapshot), now));
    lastSnapshotVersion = version;
  }

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
   * After a restore: the restored model's runtime-declared tasks get their counters, and the
   * catalog is told about them (the model's declaration wins over a conflicting one on the topic).
   */
  private void adoptGrownTasks() {
    for (TaskSpec task : model.tasks().subList(tasks.size(), model.tasks().size())) {
      registerTaskMeters(task);
      catalog.adopt(task, model.config().taskWeight(task.name())).ifPresent(reason -> {
        TandemMeters.taskDeclarations(meters, DynamicTaskCatalog.Outcome.REJECTED.label())
            .increment();
        LOG.warn("stream task {}: {}", context().taskId(), reason);
      });
    }
  }

  /**
   * Grows the model by every task the catalog declares and the model lacks, in catalog order
   * (after saving the rows changed since the last save, which the grown model does not track):
   * each new task gets a fresh tower and, when drift is watched, an onboarding whose
   * {@code onboard} transfer updates later batches publish. The serving view is re-registered
   * with the grown model.
   */
  private void growForDeclaredTasks() {
    long version = catalog.version();
    if (version == catalogVersion) {
      return;
    }
    catalogVersion = version;
    for (TaskDeclaration declared : catalog.declared()) {
      if (model.tasks().stream().anyMatch(t -> t.name().equals(declared.name()))) {
        continue;
      }
      TaskSpec task = DynamicTaskCatalog.spec(declared);
      ModelStores.saveRows(drainDirtyRows(), rowsStore);
      model = trainer.addTask(task, declared.weight());
      denseChanged = true;
      registerTaskMeters(task);
      models.unregister(live);
      live = LiveModel.of(live.id(), live.partition(), trainer, model);
      models.register(live);
      LOG.info("stream task {}: model grown by task '{}' ({}, weight {}) at version {}; tasks"
          + " now {}", context().taskId(), task.name(), task.kind(), declared.weight(),
          model.version(), model.tasks().stream().map(TaskSpec::name).toList());
    }
  }

  /**
   * The per-task meters of a task added at runtime: its event counters, and the gauges the app
   * registers at start for configured tasks (windowed AUC and log loss, or RMSE; loss weight),
   * which read the registry of live models. Registering an existing meter again returns it.
   */
  private void registerTaskMeters(TaskSpec task) {
    String name = task.name();
    consumed.put(name, TandemMeters.eventsConsumed(meters, name));
    trained.put(name, TandemMeters.eventsTrained(meters, name));
    TaskGauges.register(meters, task, models);
  }

  /**
   * Counts drift alarms and publishes transfer updates (key = task) with the batch's last record
   * timestamp.
   */
  private void publishTransfers(List<TransferEvent> events, long timestamp) {
    String scope = context().taskId().toString();
    for (TransferEvent event : events) {
      if (event.kind() == TransferEvent.Kind.DRIFT_DETECTED) {
        TandemMeters.driftDetections(meters, event.task(), event.detector()).increment();
        LOG.info("stream task {}: drift detected on task '{}' by {} at its event {} (model"
            + " version {})", scope, event.task(), event.detector(), event.detectedAtTaskEvent(),
            event.modelVersion());
        continue;
      }
      Optional<TransferUpdate> update = TransferUpdates.of(event, scope, Math.max(0, timestamp));
      if (update.isEmpty()) {
        LOG.warn("stream task {}: transfer event without a finite incumbent loss not published:"
            + " {}", scope, event);
        continue;
      }
      TransferUpdate u = update.get();
      context().forward(new Record<>(u.task(), new Outbound.TransferOut(u), timestamp));
      TandemMeters.transferUpdates(meters, u.task(), u.action().json(), u.decision().json())
          .increment();
      LOG.info("stream task {}: {} on task '{}' {} (sources {}, {} incumbent {}{}; model"
          + " version {})", scope, u.action().json(), u.task(), u.decision().json(),
          event.sources(), u.metric(),
          u.incumbentMetric(), u.candidateMetric() == null ? "" : " candidate "
          + u.candidateMetric(), u.modelVersion());
    }
  }

  /**
   * The before-commit action: writes the events still buffered if the buffer changed since the
   * last commit (or deletes the entry when none are), and the dense blob if a batch was learned
   * since the last write. Runs on the stream thread while Kafka Streams commits this task.
   */
  private void saveOnCommit() {
    if (bufferChanged) {
      if (buffer.isEmpty()) {
        denseStore.delete(ModelStores.PENDING_KEY);
      } else {
        denseStore.put(ModelStores.PENDING_KEY, PendingEvents.encode(buffer, eventCodec));
      }
      bufferChanged = false;
    }
    if (!denseChanged) {
      return;
    }
    byte[] dense;
    Optional<byte[]> watch;
    trainer.lock().lock();
    try {
      dense = model.exportDense();
      watch = trainer.exportWatchState();
    } finally {
      trainer.lock().unlock();
    }
    ModelStores.saveDense(dense, denseStore);
    watch.ifPresent(state -> denseStore.put(ModelStores.WATCH_KEY, state));
    if (model.tasks().size() > tasks.size()) {
      denseStore.put(ModelShape.STORE_KEY, ModelShape.encode(model));
    }
    denseChanged = false;
  }

  @Override
  public void close() {
    hooks.unregister(context().taskId(), saveOnCommit);
    if (live != null) {
      models.unregister(live);
    }
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
    bufferChanged = !restored.rejected().isEmpty();
    if (!buffer.isEmpty()) {
      LOG.info("stream task {}: {} buffered events restored, model version {}",
          context().taskId(), buffer.size(), model.version());
    }
  }
}
