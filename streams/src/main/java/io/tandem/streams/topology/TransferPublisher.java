package io.tandem.streams.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.learning.TransferUpdates;
import io.tandem.streams.metrics.TandemMeters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what one learner's drift watch did during a batch into output: a drift alarm is counted
 * ({@code tandem.drift.detections}) and logged; a candidate started by a drift warning is also
 * counted ({@code tandem.drift.warnings}); a transfer or onboarding step becomes a
 * {@link TransferUpdate} (key = task, {@link Outbound.TransferOut}), counted
 * ({@code tandem.transfer.updates}) and logged. An event without a finite incumbent loss cannot
 * be published (the contract requires one): it is logged instead.
 *
 * <p>Not thread-safe: the learner's stream thread only.
 */
final class TransferPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(TransferPublisher.class);

  private final ProcessorContext<String, Outbound> context;
  private final MeterRegistry meters;

  TransferPublisher(ProcessorContext<String, Outbound> context, MeterRegistry meters) {
    this.context = Objects.requireNonNull(context, "context");
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  /**
   * Publishes {@code events} in order: {@link #prepare} then {@link #forward} each update.
   *
   * @param timestamp record timestamp of the updates: the batch's last record timestamp (a
   *     negative one is published as 0, the contract's earliest)
   */
  void publish(List<TransferEvent> events, long timestamp) {
    for (Ready update : prepare(events, timestamp)) {
      forward(update);
    }
  }

  /**
   * Counts and logs what the drift watch did during a batch, and returns the transfer updates to
   * forward, in order (a caller that cannot forward now, e.g. during a commit, forwards them
   * later with {@link #forward}).
   *
   * @param timestamp as {@link #publish}
   */
  List<Ready> prepare(List<TransferEvent> events, long timestamp) {
    String scope = context.taskId().toString();
    List<Ready> out = new ArrayList<>();
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
      out.add(new Ready(u, timestamp));
      TandemMeters.transferUpdates(meters, u.task(), u.action().json(), u.trigger().json(),
          u.decision().json()).increment();
      if (event.kind() == TransferEvent.Kind.STARTED
          && event.trigger() == TransferEvent.Trigger.DRIFT_WARNING) {
        TandemMeters.driftWarnings(meters, event.task(), event.detector()).increment();
      }
      LOG.info("stream task {}: {} on task '{}' {} (sources {}, {} incumbent {}{}; model"
          + " version {})", scope, u.action().json(), u.task(), u.decision().json(),
          event.sources(), u.metric(),
          u.incumbentMetric(), u.candidateMetric() == null ? "" : " candidate "
          + u.candidateMetric(), u.modelVersion());
    }
    return out;
  }

  /** Forwards one prepared update (key = task). Only where the processor may forward. */
  void forward(Ready ready) {
    context.forward(new Record<>(ready.update().task(), new Outbound.TransferOut(ready.update()),
        ready.timestamp()));
  }

  /**
   * A transfer update ready to forward.
   *
   * @param update the update
   * @param timestamp its record timestamp (the batch's last record timestamp)
   */
  record Ready(TransferUpdate update, long timestamp) {
    Ready {
      Objects.requireNonNull(update, "update");
    }
  }
}
