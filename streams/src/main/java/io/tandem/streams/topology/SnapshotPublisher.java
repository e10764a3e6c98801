package io.tandem.streams.topology;

import io.tandem.model.MultiTaskModel;
import io.tandem.streams.learning.PrequentialTrainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one learner's whole-model snapshot (key = stream task id, {@link Outbound.SnapshotOut})
 * when the model learned anything since the last one (so never an untrained model: it would
 * tell a serving instance nothing, and writing it stalls the stream thread — ~140 ms for the
 * first, cold snapshot of the default model, measured as the one latency spike of an idle
 * learner answering 2,000 requests/s); a snapshot over
 * {@link ModelStores#MAX_SNAPSHOT_BYTES} is logged and skipped.
 *
 * <p>Not thread-safe: the learner's stream thread only (it writes the snapshot under the
 * trainer's lock).
 */
final class SnapshotPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

  private final ProcessorContext<String, Outbound> context;
  private long lastVersion = -1;

  SnapshotPublisher(ProcessorContext<String, Outbound> context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * Forwards the model's snapshot with record timestamp {@code now}, unless its version was
   * published already or it has learned no event yet.
   */
  void publish(long now, PrequentialTrainer trainer, MultiTaskModel model) {
    byte[] snapshot;
    long version;
    trainer.lock().lock();
    try {
      version = model.version();
      if (version == lastVersion || model.events() == 0) {
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
          + " (configure model.row.expiry.events or a smaller model)", context.taskId(),
          snapshot.length, ModelStores.MAX_SNAPSHOT_BYTES);
      return;
    }
    context.forward(new Record<>(context.taskId().toString(),
        new Outbound.SnapshotOut(snapshot), now));
    lastVersion = version;
  }
}
