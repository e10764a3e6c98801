package io.tandem.streams.learning;

import io.tandem.model.transfer.TransferEvent;
import io.tandem.schemas.TransferUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns what the model's drift watch did ({@link TransferEvent}) into the contract's
 * {@link TransferUpdate} records published on {@code tandem.transfer-updates}.
 *
 * <p>A transfer yields two updates: {@code started} when its candidate is created and
 * {@code promoted} or {@code rolled_back} when the guard decides. A drift alarm on its own
 * ({@link TransferEvent.Kind#DRIFT_DETECTED}) is not an update (it is counted in
 * {@code tandem.drift.detections}); when transfer is enabled it is followed by {@code started} in
 * the same batch unless another task's candidate is still in shadow.
 *
 * <p>Ids are deterministic — {@code <task>.<scope>.v<model version>.<decision>}, the scope naming
 * the model (e.g. the stream task {@code 0_3}) — so a batch replayed after a crash under
 * {@code at_least_once} republishes the same ids and a consumer can drop the duplicates.
 *
 * <p>Stateless and thread-safe.
 */
public final class TransferUpdates {

  private TransferUpdates() {}

  /**
   * The update for one transfer event, if it is one.
   *
   * @param event what the drift watch did; not null
   * @param scope names the model that did it (stream task id, or e.g. {@code learn}); not blank
   * @param ts the update's time, epoch ms (the batch's last event time), &gt;= 0
   * @return the update; empty for {@link TransferEvent.Kind#DRIFT_DETECTED} and for an event
   *     without a finite incumbent loss (no event of the task was scored: cannot happen for a
   *     started or decided transfer, whose task has scored events by construction)
   */
  public static Optional<TransferUpdate> of(TransferEvent event, String scope, long ts) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(scope, "scope");
    TransferUpdate.Decision decision = switch (event.kind()) {
      case DRIFT_DETECTED -> null;
      case STARTED -> TransferUpdate.Decision.STARTED;
      case PROMOTED -> TransferUpdate.Decision.PROMOTED;
      case ROLLED_BACK -> TransferUpdate.Decision.ROLLED_BACK;
    };
    if (decision == null || !Double.isFinite(event.incumbentLoss())) {
      return Optional.empty();
    }
    boolean onboard = event.action() == TransferEvent.Action.ONBOARD;
    List<TransferUpdate.Source> sources = new ArrayList<>();
    for (TransferEvent.SourceTask source : event.sources()) {
      sources.add(new TransferUpdate.Source(source.task(), source.affinity()));
    }
    String id = event.task() + "." + scope + ".v" + event.modelVersion() + "."
        + decision.json();
    return Optional.of(new TransferUpdate(id, event.task(),
        onboard ? TransferUpdate.Action.ONBOARD : TransferUpdate.Action.TRANSFER,
        trigger(event.trigger()),
        event.detector(), event.detectedAtTaskEvent(), sources, decision, event.metric(),
        event.incumbentLoss(), event.candidateLoss(), event.modelVersion(), ts));
  }

  private static TransferUpdate.Trigger trigger(TransferEvent.Trigger trigger) {
    return switch (trigger) {
      case DRIFT -> TransferUpdate.Trigger.DRIFT;
      case DRIFT_WARNING -> TransferUpdate.Trigger.DRIFT_WARNING;
      case NEW_TASK -> TransferUpdate.Trigger.NEW_TASK;
    };
  }
}
