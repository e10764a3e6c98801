package io.tandem.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.streams.metrics.TandemMeters;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveTableTest {

  @Test
  void shouldShowRatePerTaskCountsMetricsAndModelVersionFromTheMeters() {
    // Given meters as the topology registers them
    MeterRegistry registry = new SimpleMeterRegistry();
    registry.counter(TandemMeters.EVENTS_CONSUMED, "task", "ctr").increment(300);
    registry.counter(TandemMeters.EVENTS_CONSUMED, "task", "preference").increment(100);
    registry.counter(TandemMeters.EVENTS_TRAINED, "task", "ctr").increment(256);
    registry.counter(TandemMeters.EVENTS_INVALID, "reason", "bad-json").increment(2);
    registry.counter(TandemMeters.EVENTS_INVALID, "reason", "unknown-task").increment(1);
    registry.counter(TandemMeters.PREDICTIONS_PUBLISHED, "source", "event").increment(398);
    AtomicLong version = new AtomicLong(7);
    Gauge.builder(TandemMeters.MODEL_VERSION, version, AtomicLong::get).register(registry);
    Gauge.builder(TandemMeters.TASK_AUC, () -> 0.7123).tag("task", "ctr").register(registry);
    Gauge.builder(TandemMeters.TASK_RMSE, () -> 0.9).tag("task", "preference").register(registry);
    TandemMeters.driftDetections(registry, "ctr", "adwin").increment(2);
    TandemMeters.driftWarnings(registry, "ctr", "adwin-warning").increment(3);
    TandemMeters.transferUpdates(registry, "ctr", "transfer", "drift", "started").increment(2);
    TandemMeters.transferUpdates(registry, "ctr", "transfer", "drift", "promoted").increment();
    TandemMeters.transferUpdates(registry, "ctr", "transfer", "drift_warning", "rolled_back")
        .increment();
    LiveTable.Snapshot before = LiveTable.read(new SimpleMeterRegistry());

    // When 400 events were consumed in 2 s
    String table = LiveTable.render(before, LiveTable.read(registry), Duration.ofSeconds(2), Duration.ofSeconds(75));

    // Then
    assertThat(table.lines()).hasSize(5);
    assertThat(table.lines().toList().get(1)).isEqualTo(
        String.format("%8s %9s %10s %8s %12s %8s", "1:15", "200", "400", "3", "398", "7"));
    assertThat(table).containsPattern("ctr +150 +300 +256 +0\\.712 +- +- +2 +3 +1/1")
        .containsPattern("preference +50 +100 +0 +- +- +0\\.900 +0 +0 +0/0");
  }

  @Test
  void shouldShowDashesBeforeAnyMeterExists() {
    String table = LiveTable.render(null, LiveTable.read(new SimpleMeterRegistry()), Duration.ofSeconds(1),
        Duration.ZERO);

    assertThat(table.lines().toList().get(1)).isEqualTo(
        String.format("%8s %9s %10s %8s %12s %8s", "0:00", "0", "0", "0", "0", "-"));
    assertThat(table.lines()).hasSize(3);
  }
}
