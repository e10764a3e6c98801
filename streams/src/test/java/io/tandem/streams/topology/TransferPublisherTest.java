package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.transfer.DriftTransferController;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.model.transfer.TransferEvent.Action;
import io.tandem.model.transfer.TransferEvent.Kind;
import io.tandem.model.transfer.TransferEvent.Trigger;
import io.tandem.streams.metrics.TandemMeters;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class TransferPublisherTest {

  private final MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TransferPublisher publisher = new TransferPublisher(context, meters);

  private static TransferEvent started(Trigger trigger, String detector) {
    return new TransferEvent(Kind.STARTED, "ctr", Action.TRANSFER, detector, 1_200, List.of(),
        "logloss", 0.31, null, 40, trigger);
  }

  private double count(String name, String detector) {
    return meters.counter(name, TandemMeters.TAG_TASK, "ctr", TandemMeters.TAG_DETECTOR,
        detector).count();
  }

  @Test
  void shouldCountACandidateStartedByAWarningAsADriftWarning() {
    // Given a candidate started by the warning detector and one started by a drift alarm
    String warning = DriftTransferController.WARNING_DETECTOR;
    TransferEvent byWarning = started(Trigger.DRIFT_WARNING, warning);
    TransferEvent byDrift = started(Trigger.DRIFT, "adwin");

    // When both are published
    publisher.publish(List.of(byWarning, byDrift), 5_000L);

    // Then both are transfer updates, each counted under its trigger, and only the first
    // counts as a warning
    assertThat(context.forwarded()).hasSize(2);
    assertThat(count(TandemMeters.DRIFT_WARNINGS, warning)).isEqualTo(1.0);
    assertThat(meters.find(TandemMeters.DRIFT_WARNINGS).tag(TandemMeters.TAG_DETECTOR, "adwin")
        .counter()).isNull();
    for (String trigger : new String[] {"drift_warning", "drift"}) {
      assertThat(meters.get(TandemMeters.TRANSFER_UPDATES).tags(TandemMeters.TAG_TASK, "ctr",
          TandemMeters.TAG_ACTION, "transfer", TandemMeters.TAG_TRIGGER, trigger,
          TandemMeters.TAG_DECISION, "started").counter().count()).as(trigger).isEqualTo(1.0);
    }
  }
}
