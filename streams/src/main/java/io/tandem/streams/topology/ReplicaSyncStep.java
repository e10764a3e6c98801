package io.tandem.streams.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.config.SyncConfig;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.streams.sync.ReplicaMixer;
import io.tandem.streams.sync.ReplicaSync;
import io.tandem.streams.sync.SyncRecord;
import io.tandem.streams.sync.TransferFollower;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream task's replica-sync tick, run by the {@link LearnerProcessor} every
 * {@code sync.interval.ms} between two batches: publish this replica's dense parameters (if the
 * model learned since; key {@code <application.id>/<stream task>}), mix in the mean of the other
 * replicas' newer parameters from the {@link ReplicaSync#SYNC_STORE global sync store}, and apply
 * the promotions other stream tasks published ({@link ReplicaSync#TRANSFER_STORE}), never
 * re-publishing them. Stream thread only; the model is changed under the trainer's lock.
 */
final class ReplicaSyncStep {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaSyncStep.class);

  private final ProcessorContext<String, Outbound> context;
  private final SyncConfig sync;
  private final MeterRegistry meters;
  private final KeyValueStore<String, byte[]> syncStore;
  private final KeyValueStore<String, byte[]> transferStore;
  private final String scope;
  private final String syncKey;
  private final ReplicaMixer mixer;
  private final TransferFollower follower;
  private final Counter published;
  private final Counter mixed;
  private final Timer lag;
  private final Timer publishTime;
  private final Timer mixTime;
  private final DistributionSummary recordSize;
  private long lastPublishedVersion = -1;
  private MultiTaskModel sizedModel;
  private int parameterCount;

  /** Opens the global stores and registers the sync meters (and the applied-transfer counters). */
  ReplicaSyncStep(ProcessorContext<String, Outbound> context, SyncConfig sync,
      MeterRegistry meters, List<TaskSpec> tasks) {
    this.context = Objects.requireNonNull(context, "context");
    this.sync = Objects.requireNonNull(sync, "sync");
    this.meters = Objects.requireNonNull(meters, "meters");
    syncStore = context.getStateStore(ReplicaSync.SYNC_STORE);
    transferStore = context.getStateStore(ReplicaSync.TRANSFER_STORE);
    scope = context.taskId().toString();
    syncKey = SyncRecord.key(context.applicationId(), scope);
    mixer = new ReplicaMixer(context.applicationId(), scope);
    try (KeyValueIterator<String, byte[]> it = transferStore.all()) {
      follower = new TransferFollower(scope, Codecs.transferUpdates(Integer.MAX_VALUE), it);
    }
    published = TandemMeters.syncPublished(meters);
    mixed = TandemMeters.syncMixed(meters);
    lag = TandemMeters.syncLag(meters);
    publishTime = TandemMeters.syncTime(meters, "publish");
    mixTime = TandemMeters.syncTime(meters, "mix");
    recordSize = TandemMeters.syncRecordSize(meters);
    for (TaskSpec task : tasks) {
      TandemMeters.transferApplied(meters, task.name());
    }
  }

  /**
   * Runs one tick against the learner's current trainer and model (a model grown by a runtime
   * task is a new instance).
   *
   * @return whether the model's dense state changed (mixed or a promotion followed)
   */
  boolean tick(long now, PrequentialTrainer trainer, MultiTaskModel model) {
    long time = Math.max(0, now);
    if (model != sizedModel) {
      sizedModel = model;
      parameterCount = model.denseParameters().length;
    }
    publish(time, trainer, model);
    boolean changed = mix(time, trainer, model);
    return follow(trainer, model) || changed;
  }

  private void publish(long now, PrequentialTrainer trainer, MultiTaskModel model) {
    long start = System.nanoTime();
    SyncRecord record;
    trainer.lock().lock();
    try {
      if (model.version() == lastPublishedVersion) {
        return;
      }
      record = new SyncRecord(model.fingerprint(), model.version(), model.events(), now,
          model.denseParameters());
    } finally {
      trainer.lock().unlock();
    }
    byte[] bytes = record.toBytes();
    context.forward(new Record<>(syncKey, new Outbound.SyncOut(bytes), now));
    lastPublishedVersion = record.modelVersion();
    published.increment();
    recordSize.record(bytes.length);
    publishTime.record(Duration.ofNanos(System.nanoTime() - start));
  }

  private boolean mix(long now, PrequentialTrainer trainer, MultiTaskModel model) {
    long start = System.nanoTime();
    Optional<ReplicaMixer.Mean> next;
    try (KeyValueIterator<String, byte[]> it = syncStore.all()) {
      next = mixer.next(it, model.fingerprint(), parameterCount);
    }
    if (next.isEmpty()) {
      return false;
    }
    ReplicaMixer.Mean mean = next.get();
    trainer.lock().lock();
    try {
      model.mixDenseParameters(mean.fingerprint(), mean.parameters(), sync.mixingRate());
    } finally {
      trainer.lock().unlock();
    }
    mixed.increment();
    lag.record(Duration.ofMillis(Math.max(0, now - mean.newestPublishedAtMs())));
    mixTime.record(Duration.ofNanos(System.nanoTime() - start));
    return true;
  }

  private boolean follow(PrequentialTrainer trainer, MultiTaskModel model) {
    List<TransferUpdate> promotions;
    try (KeyValueIterator<String, byte[]> it = transferStore.all()) {
      promotions = follower.newPromotions(it);
    }
    boolean changed = false;
    for (TransferUpdate update : promotions) {
      if (model.tasks().stream().noneMatch(t -> t.name().equals(update.task()))) {
        continue;
      }
      if (trainer.followPromotion(update.task())) {
        changed = true;
        TandemMeters.transferApplied(meters, update.task()).increment();
        LOG.info("stream task {}: applied the promotion {} of task '{}' (boosted tower, fresh"
            + " drift warm-up)", scope, update.id(), update.task());
      } else {
        LOG.info("stream task {}: not following the promotion {}: no drift watch here, or this"
            + " stream task's own candidate for task '{}' is in shadow", scope, update.id(),
            update.task());
      }
    }
    return changed;
  }
}
