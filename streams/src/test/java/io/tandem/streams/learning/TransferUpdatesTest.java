package io.tandem.streams.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.model.transfer.DriftTransferController;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.TransferUpdate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransferUpdatesTest {

  private static final List<TransferEvent.SourceTask> SOURCES =
      List.of(new TransferEvent.SourceTask("preference", 0.42));

  private static TransferEvent event(TransferEvent.Kind kind, Double candidate) {
    return new TransferEvent(kind, "ctr", TransferEvent.Action.TRANSFER, "adwin", 1_234, SOURCES,
        "logloss", 0.31, candidate, 77);
  }

  @Test
  void shouldNotPublishABareDriftAlarm() {
    assertThat(TransferUpdates.of(event(TransferEvent.Kind.DRIFT_DETECTED, null), "0_1", 5))
        .isEmpty();
  }

  @Test
  void shouldPublishAStartWithoutCandidateMetricAndADecisionWithIt() {
    // When
    TransferUpdate started =
        TransferUpdates.of(event(TransferEvent.Kind.STARTED, null), "0_1", 5).orElseThrow();
    TransferUpdate promoted =
        TransferUpdates.of(event(TransferEvent.Kind.PROMOTED, 0.29), "0_1", 9).orElseThrow();

    // Then
    assertThat(started.decision()).isEqualTo(TransferUpdate.Decision.STARTED);
    assertThat(started.candidateMetric()).isNull();
    assertThat(started.id()).isEqualTo("ctr.0_1.v77.started");
    assertThat(started.trigger()).isEqualTo(TransferUpdate.Trigger.DRIFT);
    assertThat(started.action()).isEqualTo(TransferUpdate.Action.TRANSFER);
    assertThat(started.detector()).isEqualTo("adwin");
    assertThat(started.detectedAtEvent()).isEqualTo(1_234L);
    assertThat(started.sources()).containsExactly(new TransferUpdate.Source("preference", 0.42));
    assertThat(started.incumbentMetric()).isEqualTo(0.31);
    assertThat(started.modelVersion()).isEqualTo(77);
    assertThat(started.ts()).isEqualTo(5);
    assertThat(promoted.decision()).isEqualTo(TransferUpdate.Decision.PROMOTED);
    assertThat(promoted.candidateMetric()).isEqualTo(0.29);
    assertThat(promoted.id()).isEqualTo("ctr.0_1.v77.promoted");
  }

  @Test
  void shouldEncodeAnUpdateTheContractSchemaAccepts() {
    // Given
    JsonCodec<TransferUpdate> codec = Codecs.transferUpdates();
    TransferUpdate rolledBack =
        TransferUpdates.of(event(TransferEvent.Kind.ROLLED_BACK, 0.35), "learn", 9).orElseThrow();

    // When
    byte[] json = codec.encode(rolledBack);
    Decoded<TransferUpdate> decoded = codec.decode(json);

    // Then
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"decision\":\"rolled_back\"",
        "\"candidate_metric\":0.35", "\"trigger\":\"drift\"");
    assertThat(decoded).isEqualTo(new Decoded.Valid<>(rolledBack));
  }

  @Test
  void shouldPublishAWarningStartedCandidateAsADriftWarningTheSchemaAccepts() {
    // Given a candidate started by the warning detector and its rollback
    TransferEvent started = new TransferEvent(TransferEvent.Kind.STARTED, "ctr",
        TransferEvent.Action.TRANSFER, DriftTransferController.WARNING_DETECTOR, 1_234, SOURCES,
        "logloss", 0.31, null, 77, TransferEvent.Trigger.DRIFT_WARNING);
    TransferEvent rolledBack = new TransferEvent(TransferEvent.Kind.ROLLED_BACK, "ctr",
        TransferEvent.Action.TRANSFER, DriftTransferController.WARNING_DETECTOR, 1_234, SOURCES,
        "logloss", 0.31, 0.33, 80, TransferEvent.Trigger.DRIFT_WARNING);
    JsonCodec<TransferUpdate> codec = Codecs.transferUpdates();

    // When both are turned into updates and encoded
    TransferUpdate start = TransferUpdates.of(started, "0_1", 5).orElseThrow();
    TransferUpdate decision = TransferUpdates.of(rolledBack, "0_1", 9).orElseThrow();
    byte[] json = codec.encode(decision);

    // Then both carry the warning trigger and detector, and the contract schema accepts them
    assertThat(start.trigger()).isEqualTo(TransferUpdate.Trigger.DRIFT_WARNING);
    assertThat(start.detector()).isEqualTo("adwin-warning");
    assertThat(start.action()).isEqualTo(TransferUpdate.Action.TRANSFER);
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"trigger\":\"drift_warning\"", "\"decision\":\"rolled_back\"");
    assertThat(codec.decode(json)).isEqualTo(new Decoded.Valid<>(decision));
    assertThat(codec.decode(codec.encode(start))).isEqualTo(new Decoded.Valid<>(start));
  }

  @Test
  void shouldSkipAnEventWithoutAFiniteIncumbentLoss() {
    TransferEvent unscored = new TransferEvent(TransferEvent.Kind.STARTED, "ctr",
        TransferEvent.Action.TRANSFER, "adwin", 0, List.of(), "logloss", Double.NaN, null, 1);

    Optional<TransferUpdate> update = TransferUpdates.of(unscored, "0_0", 0);

    assertThat(update).isEmpty();
  }
}
