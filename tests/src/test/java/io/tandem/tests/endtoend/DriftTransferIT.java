package io.tandem.tests.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.io.GeneratedEventJson;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.tests.support.DriftingStream;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift to transfer through the topology on a real broker: a generated stream whose click task's
 * specific factors are re-drawn at a known event goes through Tandem; the click task's detector
 * alarms after (never before) the drift, a transfer starts and the guard decides, and both
 * updates arrive on the transfer-updates topic in the contract's format, keyed by task, with
 * matching ids; the meters count the alarm and the updates.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DriftTransferIT {

  private static final long DRIFT_AT = DriftingStream.DRIFT_AT;
  private static final int PARTITIONS = 1;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path stateDir;

  @Test
  void shouldDetectTheDriftAndPublishAGuardedTransfer() throws Exception {
    // Given: a stream with an abrupt drift of ctr, and Tandem watching for drift
    TandemRun run = new TandemRun("drift", PARTITIONS).createTopics();
    GeneratorConfig generator = DriftingStream.config();
    List<GeneratedEvent> stream = StreamGenerator.stream(generator).toList();
    long ctrBeforeDrift = stream.subList(0, (int) DRIFT_AT).stream()
        .filter(e -> e.task().equals(StreamGenerator.CTR)).count();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (GeneratedEvent e : stream) {
      records.add(new ProducerRecord<>(run.events, e.user().getBytes(StandardCharsets.UTF_8),
          GeneratedEventJson.event(e)));
    }
    // The default drift watch (ADWIN over baseline-gap, 2,000 warm-up, 2,000 shadow events).
    TandemConfig config = run.config(stateDir, DriftingStream.DETERMINISTIC_BATCHES);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    // When
    List<ConsumerRecord<String, String>> updates;
    try (TandemApp app = TandemRun.start(config, meters)) {
      SharedKafka.produceRaw(run.events, records);
      SharedKafka.consume(run.predictions, stream.size(), WAIT);
      updates = SharedKafka.consume(run.transferUpdates, 2, WAIT);
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    // Then: a start and a decision for ctr, both valid contract records keyed by task
    List<TransferUpdate> decoded = new ArrayList<>();
    for (ConsumerRecord<String, String> r : updates) {
      Decoded<TransferUpdate> d =
          Codecs.transferUpdates().decode(r.value().getBytes(StandardCharsets.UTF_8));
      assertThat(d).as(r.value()).isInstanceOf(Decoded.Valid.class);
      TransferUpdate u = ((Decoded.Valid<TransferUpdate>) d).value();
      assertThat(r.key()).isEqualTo(u.task());
      decoded.add(u);
    }
    System.out.println("DriftTransferIT: updates " + updates.stream()
        .map(ConsumerRecord::value).toList());
    TransferUpdate started = decoded.get(0);
    TransferUpdate decision = decoded.get(1);
    assertThat(started.task()).isEqualTo(StreamGenerator.CTR);
    assertThat(started.decision()).isEqualTo(TransferUpdate.Decision.STARTED);
    // The warning detector (drift.warning.delta) may start the candidate before the drift alarm
    // (measured with tandem learn's batching: warning at ctr event 26,811, alarm at 26,850).
    assertThat(started.trigger()).isIn(TransferUpdate.Trigger.DRIFT,
        TransferUpdate.Trigger.DRIFT_WARNING);
    assertThat(started.detectedAtEvent()).as("detected after the drift (ctr event %d)",
        ctrBeforeDrift).isGreaterThan(ctrBeforeDrift);
    assertThat(decision.task()).isEqualTo(StreamGenerator.CTR);
    assertThat(decision.decision()).isIn(TransferUpdate.Decision.PROMOTED,
        TransferUpdate.Decision.ROLLED_BACK);
    assertThat(decision.candidateMetric()).isNotNull();
    assertThat(decision.detectedAtEvent()).isEqualTo(started.detectedAtEvent());
    assertThat(decision.modelVersion()).isGreaterThan(started.modelVersion());

    // And: the meters counted the alarm and both updates
    assertThat(meters.get(TandemMeters.DRIFT_DETECTIONS).tag("task", "ctr").counter().count())
        .isGreaterThanOrEqualTo(1.0);
    assertThat(meters.get(TandemMeters.TRANSFER_UPDATES).tags("task", "ctr", "decision",
        "started").counters().stream().mapToDouble(c -> c.count()).sum())
        .isGreaterThanOrEqualTo(1.0);
    JsonNode first = JSON.readTree(updates.get(0).value());
    assertThat(first.has("candidate_metric")).isFalse();
  }
}
