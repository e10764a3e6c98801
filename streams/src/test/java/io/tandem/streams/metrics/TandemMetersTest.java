package io.tandem.streams.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TandemMetersTest {

  private final MeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void shouldRegisterEveryMeterWithDescriptionBaseUnitAndOnlyBoundedTags() {
    // Given
    AtomicLong version = new AtomicLong(7);
    TandemMeters.eventsConsumed(registry, "ctr");
    TandemMeters.eventsTrained(registry, "ctr");
    TandemMeters.eventsInvalid(registry, "malformed_json");
    TandemMeters.predictionsPublished(registry, "event");
    TandemMeters.batchSize(registry);
    TandemMeters.batchTrainTime(registry);
    TandemMeters.modelVersion(registry, version, AtomicLong::doubleValue);
    for (String name : new String[] {TandemMeters.TASK_AUC, TandemMeters.TASK_LOGLOSS,
        TandemMeters.TASK_RMSE, TandemMeters.TASK_LOSS_WEIGHT}) {
      TandemMeters.taskGauge(registry, name, "ctr", version, v -> 0.5);
    }
    TandemMeters.requestLatency(registry);
    TandemMeters.embeddingRows(registry, "user", version, v -> 3);
    TandemMeters.embeddingCounter(registry, TandemMeters.EMBEDDING_ADMISSIONS, "user", version,
        v -> 4);
    TandemMeters.embeddingCounter(registry, TandemMeters.EMBEDDING_EVICTIONS, "user", version,
        v -> 1);
    TandemMeters.taskAffinity(registry, "ctr", "preference", version, v -> 0.25);
    TandemMeters.driftDetections(registry, "ctr", "adwin");
    TandemMeters.transferUpdates(registry, "ctr", "transfer", "drift", "promoted");

    // Then
    assertThat(registry.getMeters()).hasSize(18);
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      assertThat(id.getName()).startsWith("tandem.").matches("[a-z.]+");
      assertThat(id.getTags().stream().map(t -> t.getKey()).toList()).as(id.getName())
          .doesNotHaveDuplicates();
      assertThat(id.getDescription()).as(id.getName()).isNotBlank();
      if (meter.getId().getType() != Meter.Type.TIMER) {
        assertThat(id.getBaseUnit()).as(id.getName()).isNotBlank();
      }
      assertThat(id.getTags()).allSatisfy(tag -> assertThat(tag.getKey())
          .isIn(TandemMeters.TAG_TASK, TandemMeters.TAG_REASON, TandemMeters.TAG_SOURCE,
              TandemMeters.TAG_TABLE, TandemMeters.TAG_SOURCE_TASK, TandemMeters.TAG_DETECTOR,
              TandemMeters.TAG_ACTION, TandemMeters.TAG_TRIGGER, TandemMeters.TAG_DECISION));
    }
    assertThat(registry.get(TandemMeters.MODEL_VERSION).gauge().value()).isEqualTo(7.0);
    assertThat(registry.get(TandemMeters.TASK_AFFINITY).tags("task", "ctr", "source_task",
        "preference").gauge().value()).isEqualTo(0.25);
    assertThat(registry.get(TandemMeters.EMBEDDING_EVICTIONS).tag("table", "user")
        .functionCounter().count()).isEqualTo(1.0);
  }

  @Test
  void shouldPublishHistogramBucketsForTheTwoTimers() {
    // Given: Prometheus' registry, which renders percentile histograms as buckets
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    // When
    TandemMeters.batchTrainTime(prometheus).record(Duration.ofMillis(3));
    TandemMeters.requestLatency(prometheus).record(Duration.ofMillis(12));

    // Then
    assertThat(prometheus.scrape()).contains("tandem_batch_train_time_seconds_bucket{le=",
        "tandem_request_latency_seconds_bucket{le=");
  }

  @Test
  void shouldCountTransferUpdatesPerTriggerInThePrometheusText() {
    // Given: Prometheus' registry and the same decision reached from two triggers
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    // When: two candidates started by a drift warning, one by a drift alarm, one onboarding
    TandemMeters.transferUpdates(prometheus, "ctr", "transfer", "drift_warning", "started")
        .increment(2);
    TandemMeters.transferUpdates(prometheus, "ctr", "transfer", "drift", "started").increment();
    TandemMeters.transferUpdates(prometheus, "like", "onboard", "new_task", "started")
        .increment();

    // Then: one series per trigger, each with its own count
    assertThat(prometheus.scrape()).contains(
        "tandem_transfer_updates_total{action=\"transfer\",decision=\"started\",task=\"ctr\","
            + "trigger=\"drift_warning\"} 2.0",
        "tandem_transfer_updates_total{action=\"transfer\",decision=\"started\",task=\"ctr\","
            + "trigger=\"drift\"} 1.0",
        "tandem_transfer_updates_total{action=\"onboard\",decision=\"started\",task=\"like\","
            + "trigger=\"new_task\"} 1.0");
  }

  @Test
  void shouldReturnTheSameCounterForTheSameTag() {
    Counter first = TandemMeters.eventsInvalid(registry, "unknown_task");
    TandemMeters.eventsInvalid(registry, "unknown_task").increment();

    assertThat(first.count()).isEqualTo(1.0);
  }

  @Test
  void shouldRejectAGaugeNameThatIsNotPerTask() {
    assertThatThrownBy(() -> TandemMeters.taskGauge(registry, "tandem.task.accuracy", "ctr",
        new Object(), o -> 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("name: not a per-task gauge, got 'tandem.task.accuracy'");
    Gauge none = registry.find("tandem.task.accuracy").gauge();
    assertThat(none).isNull();
  }
}
