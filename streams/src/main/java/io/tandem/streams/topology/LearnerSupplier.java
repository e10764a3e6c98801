package io.tandem.streams.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.model.ModelConfig;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.streams.config.CheckpointConfig;
import io.tandem.streams.config.SyncConfig;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import io.tandem.model.transfer.TransferConfig;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/** Supplies a new {@link LearnerProcessor} per stream task, with the model's stores attached. */
final class LearnerSupplier implements ProcessorSupplier<String, Inbound, String, Outbound> {

  private final ModelConfig modelConfig;
  private final List<TaskSpec> tasks;
  private final int batchSize;
  private final Duration linger;
  private final JsonCodec<LabelledEvent> eventCodec;
  private final LiveModels models;
  private final MeterRegistry meters;
  private final TransferConfig transfer;
  private final Duration snapshotInterval;
  private final BeforeCommitHooks hooks = new BeforeCommitHooks();
  private final SyncConfig sync;
  private final DynamicTaskCatalog catalog;
  private final CheckpointConfig checkpoint;
  private final boolean pipelined;

  LearnerSupplier(ModelConfig modelConfig, List<TaskSpec> tasks, int batchSize, Duration linger,
      JsonCodec<LabelledEvent> eventCodec, LiveModels models, MeterRegistry meters,
      TransferConfig transfer, Duration snapshotInterval, SyncConfig sync,
      DynamicTaskCatalog catalog, CheckpointConfig checkpoint, boolean pipelined) {
    this.modelConfig = modelConfig;
    this.tasks = List.copyOf(tasks);
    this.batchSize = batchSize;
    this.linger = linger;
    this.eventCodec = eventCodec;
    this.models = models;
    this.meters = meters;
    this.transfer = transfer;
    this.snapshotInterval = snapshotInterval;
    this.sync = sync;
    this.catalog = catalog;
    this.checkpoint = checkpoint;
    this.pipelined = pipelined;
  }

  @Override
  public Processor<String, Inbound, String, Outbound> get() {
    return new LearnerProcessor(modelConfig, tasks, batchSize, linger, eventCodec, models,
        meters, transfer, snapshotInterval, hooks, sync, catalog, checkpoint, pipelined);
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    Set<StoreBuilder<?>> stores = new LinkedHashSet<>();
    stores.add(ModelStores.rows());
    stores.add(ModelStores.dense(hooks));
    stores.add(ModelStores.log());
    return stores;
  }
}
