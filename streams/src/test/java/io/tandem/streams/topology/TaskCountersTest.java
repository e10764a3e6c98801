package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.streams.metrics.TandemMeters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskCountersTest {

  private static final double EXACT = 0.0;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TaskCounters counters = new TaskCounters(meters);

  private static PendingEvents.Entry event(String task) {
    return new PendingEvents.Entry(1, new LabelledEvent("e", task, "u", "i", 1, 1, Map.of()));
  }

  @Test
  void shouldCountEachTasksEventsOfABatch() {
    // Given two registered tasks
    counters.register(TaskSpec.binary("ctr"));
    counters.register(TaskSpec.regression("preference", 1, 5));

    // When a batch of three ctr and one preference events is consumed and trained
    List<PendingEvents.Entry> batch = List.of(event("ctr"), event("preference"), event("ctr"),
        event("ctr"));
    batch.forEach(e -> counters.consumed(e.event().task()));
    counters.trained(batch);

    // Then each task's counters hold its own events
    assertThat(TandemMeters.eventsConsumed(meters, "ctr").count()).isEqualTo(3, within(EXACT));
    assertThat(TandemMeters.eventsTrained(meters, "ctr").count()).isEqualTo(3, within(EXACT));
    assertThat(TandemMeters.eventsConsumed(meters, "preference").count())
        .isEqualTo(1, within(EXACT));
    assertThat(TandemMeters.eventsTrained(meters, "preference").count())
        .isEqualTo(1, within(EXACT));
  }

  @Test
  void shouldIgnoreATaskItDoesNotKnow() {
    // Given only ctr registered
    counters.register(TaskSpec.binary("ctr"));

    // When an event of another task is counted
    counters.consumed("purchase");
    counters.trained(List.of(event("purchase"), event("ctr")));

    // Then no counter of that task was created, and ctr counted its event
    assertThat(meters.find(TandemMeters.EVENTS_TRAINED).tag(TandemMeters.TAG_TASK, "purchase")
        .counter()).isNull();
    assertThat(TandemMeters.eventsTrained(meters, "ctr").count()).isEqualTo(1, within(EXACT));
  }
}
