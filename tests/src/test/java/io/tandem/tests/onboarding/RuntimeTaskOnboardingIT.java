package io.tandem.tests.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.DeadLetterHeaders;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.RejectionReason;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.cli.TandemCli;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task declared on the compacted task topic while Tandem runs with ctr and preference: its
 * events are dead-lettered ({@code unknown_task}) before the declaration; after it they are
 * predicted and learned, the task is onboarded (an {@code onboard} transfer update when the
 * warm-start candidate starts and one when the guard decides), the model lists it, and a
 * restarted instance restores the grown model and keeps accepting the task.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RuntimeTaskOnboardingIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  /** Events of the new task collected before its candidate starts, then in shadow. */
  private static final int ONBOARD_EVENTS = 60;
  private static final String DECLARATION =
      "{\"name\":\"conversion\",\"type\":\"binary\",\"weight\":1.0}";

  @TempDir
  Path stateDir;

  /** Event {@code i} of conversion: users with an even number convert. */
  private static String conversion(int i) {
    String user = TandemRun.user(i);
    int label = Integer.parseInt(user.substring(1)) % 2 == 0 ? 1 : 0;
    return "{\"id\":\"c-" + i + "\",\"task\":\"conversion\",\"user\":\"" + user
        + "\",\"item\":\"i" + (i % 37) + "\",\"label\":" + label + ",\"ts\":"
        + (1_764_300_000_000L + i) + "}";
  }

  private static Map.Entry<String, String> keyed(String json) {
    return new AbstractMap.SimpleImmutableEntry<>(TandemRun.field(json, "user"), json);
  }

  private static List<Map.Entry<String, String>> mixed(int from, int count) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(keyed(i % 3 == 0 ? conversion(i)
          : TandemRun.event(i, i % 3 == 1 ? "ctr" : "preference")));
    }
    return out;
  }

  private static void awaitAccepted(SimpleMeterRegistry meters) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (meters.find(TandemMeters.TASK_DECLARATIONS).tag(TandemMeters.TAG_OUTCOME, "accepted")
        .counters().stream().mapToDouble(c -> c.count()).sum() < 1) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the declaration was not accepted within " + WAIT);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void shouldOnboardATaskDeclaredAtRuntimeAndKeepItAcrossARestart() throws Exception {
    // Given Tandem running with ctr and preference (onboarding after 60 conversion events)
    TandemRun run = new TandemRun("onboard", 1).createTopics();
    String tasksTopic = run.applicationId + "-tasks";
    TandemConfig config = run.config(stateDir,
        Map.of("transfer.onboard.events", String.valueOf(ONBOARD_EVENTS)));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    int declaredAt = 300;
    int total = declaredAt + 12 * ONBOARD_EVENTS;
    List<ConsumerRecord<String, String>> updates;
    long versionBefore;
    try (TandemApp app = TandemRun.start(config, meters)) {
      // When conversion events arrive before the task is declared
      SharedKafka.produce(run.events, mixed(0, declaredAt));
      SharedKafka.consume(run.predictions, 2 * declaredAt / 3, WAIT);
      List<ConsumerRecord<byte[], byte[]>> rejected =
          SharedKafka.consumeRaw(run.deadLetter, declaredAt / 3, WAIT);

      // Then they are dead-lettered as unknown_task
      assertThat(rejected).allSatisfy(r -> assertThat(header(r, DeadLetterHeaders.REASON))
          .isEqualTo(RejectionReason.UNKNOWN_TASK.code()));

      // When conversion is declared on the task topic (with tandem declare-task) and more
      // events arrive
      StringWriter cliOut = new StringWriter();
      int code = TandemCli.commandLine(new PrintWriter(cliOut, true),
          new PrintWriter(cliOut, true)).execute("declare-task", "--name", "conversion",
          "--type", "binary", "--topic", tasksTopic, "--bootstrap-servers",
          SharedKafka.bootstrapServers());
      assertThat(code).as(cliOut.toString()).isZero();
      assertThat(cliOut.toString()).contains(DECLARATION);
      awaitAccepted(meters);
      SharedKafka.produce(run.events, mixed(declaredAt, total - declaredAt));

      // Then every later event is predicted (conversion included), none dead-lettered, and the
      // onboarding published its start and its decision
      List<ConsumerRecord<String, String>> out = SharedKafka.consume(run.predictions,
          2 * declaredAt / 3 + (total - declaredAt), WAIT);
      Prediction last = decode(out.get(out.size() - 1).value());
      assertThat(last.scores()).containsKeys("ctr", "preference", "conversion");
      versionBefore = last.modelVersion();
      updates = SharedKafka.consume(run.transferUpdates, 2, WAIT);
      assertThat(SharedKafka.consumeAll(run.deadLetter)).hasSize(declaredAt / 3);
      assertThat(app.models().tasks()).extracting(TaskSpec::name)
          .containsExactly("ctr", "preference", "conversion");
      assertThat(meters.get(TandemMeters.EVENTS_TRAINED).tag(TandemMeters.TAG_TASK, "conversion")
          .counter().count()).isEqualTo((total - declaredAt) / 3.0);
    }
    List<TransferUpdate> onboard = updates.stream().map(r -> {
      Decoded<TransferUpdate> d =
          Codecs.transferUpdates().decode(r.value().getBytes(StandardCharsets.UTF_8));
      assertThat(d).as(r.value()).isInstanceOf(Decoded.Valid.class);
      assertThat(r.key()).isEqualTo("conversion");
      return ((Decoded.Valid<TransferUpdate>) d).value();
    }).toList();
    assertThat(onboard).allSatisfy(u -> {
      assertThat(u.action()).isEqualTo(TransferUpdate.Action.ONBOARD);
      assertThat(u.trigger()).isEqualTo(TransferUpdate.Trigger.NEW_TASK);
      assertThat(u.sources()).isNotEmpty();
    });
    assertThat(onboard.get(0).decision()).isEqualTo(TransferUpdate.Decision.STARTED);
    assertThat(onboard.get(1).decision()).isIn(TransferUpdate.Decision.PROMOTED,
        TransferUpdate.Decision.ROLLED_BACK);

    // When Tandem restarts on the same state
    try (TandemApp app = TandemRun.start(config, new SimpleMeterRegistry())) {
      SharedKafka.produce(run.events, List.of(keyed(conversion(total))));

      // Then the grown model is restored and the task's events are still predicted
      List<ConsumerRecord<String, String>> out = SharedKafka.consume(run.predictions,
          2 * declaredAt / 3 + (total - declaredAt) + 1, WAIT);
      Prediction after = decode(out.get(out.size() - 1).value());
      assertThat(after.id()).isEqualTo("c-" + total);
      assertThat(after.scores()).containsKey("conversion");
      assertThat(after.modelVersion()).isGreaterThanOrEqualTo(versionBefore);
      assertThat(app.models().tasks()).extracting(TaskSpec::name).contains("conversion");
      assertThat(SharedKafka.consumeAll(run.deadLetter)).hasSize(declaredAt / 3);
    }
  }

  private static Prediction decode(String json) {
    return ((Decoded.Valid<Prediction>) Codecs.predictions()
        .decode(json.getBytes(StandardCharsets.UTF_8))).value();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
