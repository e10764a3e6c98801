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
import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.learning.TransferUpdates;
import io.tandem.streams.metrics.TandemMeters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
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
 * non-empty partial batch. {@link #process}: an event is appended to the buffer and to
 * {@link ModelStores#PENDING_STORE}; a full buffer is flushed; a request is answered from the
 * current model and forwarded immediately. A flush: predict the batch (one
 * {@link io.tandem.schemas.PredictionSource#EVENT} prediction per event, forwarded with the
 * event's record timestamp), learn, write the dirty rows, clear the pending entries. The dense
 * blob is written once per commit, just before it ({@link BeforeCommitHooks}). {@link #close}
 * unregisters the model and the hook.
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
  private final Runnable saveDense = this::saveDenseIfChanged;

  private final List<Pending> buffer = new ArrayList<>();
  private final Map<String, Counter> consumed = new HashMap<>();
  private final Map<String, Counter> trained = new HashMap<>();
  private KeyValueStore<String, byte[]> denseStore;
  private KeyValueStore<Bytes, byte[]> rowsStore;
  private KeyValueStore<Long, byte[]> pendingStore;
  private MultiTaskModel model;
  private PrequentialTrainer trainer;
  private LiveModel live;
  private long nextSequence;
  private boolean denseChanged;
  private long lastSnapshotVersion = -1;
  private Counter eventPredictions;
  private Counter requestPredictions;
  private DistributionSummary batchSizes;
  private Timer trainTime;
  private Timer requestLatency;

  LearnerProcessor(ModelConfig modelConfig, List<TaskSpec> tasks, int batchSize,
      Duration linger, JsonCodec<LabelledEvent> eventCodec, LiveModels models,
      MeterRegistry meters, TransferConfig transfer, Duration snapshotInterval,
      BeforeCommitHooks hooks) {
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
  }

  @Override
  public void init(ProcessorContext<String, Outbound> context) {
    super.init(context);
    denseStore = context.getStateStore(ModelStores.DENSE_STORE);
    rowsStore = context.getStateStore(ModelStores.ROWS_STORE);
    pendingStore = context.getStateStore(ModelStores.PENDING_STORE);
    model = MultiTaskModel.create(modelConfig, tasks);
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
    eventPredictions = TandemMeters.predictionsPublished(meters, "event");
    requestPredictions = TandemMeters.predictionsPublished(meters, "request");
    batchSizes = TandemMeters.batchSize(meters);
    trainTime = TandemMeters.batchTrainTime(meters);
    requestLatency = TandemMeters.requestLatency(meters);
    reloadPending();
    live = LiveModel.of(context.taskId().toString(), context.taskId().partition(), trainer, model);
    models.register(live);
    hooks.register(context.taskId(), saveDense);
    Duration interval = linger.isZero() ? Duration.ofMillis(1) : linger;
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    if (!snapshotInterval.isZero()) {
      context.schedule(snapshotInterval, PunctuationType.WALL_CLOCK_TIME,
          now -> publishSnapshot(now));
    }
  }

  @Override
  public void process(Record<String, Inbound> record) {
    Inbound value = record.value();
    if (value instanceof Inbound.Event e) {
      LabelledEvent event = e.event();
      long sequence = nextSequence++;
      pendingStore.put(sequence, encodePending(record.timestamp(), event));
      buffer.add(new Pending(sequence, record.timestamp(), event));
      Counter c = consumed.get(event.task());
      if (c != null) {
        c.increment();
      }
      if (buffer.size() >= batchSize) {
        flush();
      }
    } else if (value instanceof Inbound.Request r) {
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
    List<LabelledEvent> events = new ArrayList<>(buffer.size());
    for (Pending p : buffer) {
      events.add(p.event());
    }
    long start = System.nanoTime();
    PrequentialTrainer.BatchResult result = trainer.predictThenLearn(events);
    Map<RowKey, byte[]> dirty;
    trainer.lock().lock();
    try {
      dirty = model.drainDirtyRows();
    } finally {
      trainer.lock().unlock();
    }
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
    for (Pending p : buffer) {
      pendingStore.delete(p.sequence());
      Counter c = trained.get(p.event().task());
      if (c != null) {
        c.increment();
      }
    }
    batchSizes.record(buffer.size());
    buffer.clear();
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
      LOG.info("stream task {}: transfer on task '{}' {} (sources {}, {} incumbent {}{}; model"
          + " version {})", scope, u.task(), u.decision().json(), event.sources(), u.metric(),
          u.incumbentMetric(), u.candidateMetric() == null ? "" : " candidate "
          + u.candidateMetric(), u.modelVersion());
    }
  }

  /**
   * The before-commit action: writes the dense blob if a batch was learned since the last write.
   * Runs on the stream thread while Kafka Streams commits this task.
   */
  private void saveDenseIfChanged() {
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
    denseChanged = false;
  }

  @Override
  public void close() {
    hooks.unregister(context().taskId(), saveDense);
    if (live != null) {
      models.unregister(live);
    }
  }

  private void reloadPending() {
    long last = -1;
    List<Long> unreadable = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> it = pendingStore.all()) {
      while (it.hasNext()) {
        KeyValue<Long, byte[]> entry = it.next();
        last = Math.max(last, entry.key);
        ByteBuffer bytes = ByteBuffer.wrap(entry.value);
        long timestamp = bytes.getLong();
        byte[] json = new byte[bytes.remaining()];
        bytes.get(json);
        Decoded<LabelledEvent> decoded = eventCodec.decode(json);
        if (decoded instanceof Decoded.Valid<LabelledEvent> valid) {
          buffer.add(new Pending(entry.key, timestamp, valid.value()));
        } else {
          LOG.warn("dropping a buffered event of stream task {} that no longer validates (the"
              + " task list changed?): {}", context().taskId(),
              ((Decoded.Invalid<LabelledEvent>) decoded).rejection().message());
          unreadable.add(entry.key);
        }
      }
    }
    unreadable.forEach(pendingStore::delete);
    buffer.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
    nextSequence = last + 1;
    if (!buffer.isEmpty()) {
      LOG.info("stream task {}: {} buffered events restored, model version {}",
          context().taskId(), buffer.size(), model.version());
    }
  }

  private byte[] encodePending(long timestamp, LabelledEvent event) {
    byte[] json = eventCodec.encode(event);
    return ByteBuffer.allocate(Long.BYTES + json.length).putLong(timestamp).put(json).array();
  }

  /** A buffered event: its pending-store key, its record timestamp, the event. */
  private record Pending(long sequence, long timestamp, LabelledEvent event) {}
}
