package io.tandem.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.schemas.Codecs;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.streams.config.TandemConfig;
import io.tandem.tests.support.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GenerateReplayIT {

  private static final int CTR_EVENTS = 20_000;
  private static final int PREFERENCE_EVENTS = 4_000;
  private static final int TOTAL = CTR_EVENTS + PREFERENCE_EVENTS;
  private static final Pattern GENERATE_RATE = Pattern.compile("Generated ([0-9,]+) events .* ([0-9,]+) events/s");
  private static final Pattern REPLAY_RATE = Pattern.compile("in ([0-9.]+) s: ([0-9,]+) records/s");

  @TempDir
  Path dir;

  private CliRun generate(Path out, Path truth, String seed) {
    return CliRun.of("generate", "--seed", seed, "--ctr-events", Integer.toString(CTR_EVENTS),
        "--preference-events", Integer.toString(PREFERENCE_EVENTS), "--out", out.toString(),
        "--truth", truth.toString());
  }

  @Test
  void shouldGenerateIdenticalBytesForTheSameSeedAndDifferentBytesForAnother() throws Exception {
    // When the same seed runs twice, and another seed once
    CliRun first = generate(dir.resolve("a.jsonl"), dir.resolve("a-truth.jsonl"), "11");
    CliRun second = generate(dir.resolve("b.jsonl"), dir.resolve("b-truth.jsonl"), "11");
    CliRun other = generate(dir.resolve("c.jsonl"), dir.resolve("c-truth.jsonl"), "12");

    // Then
    assertThat(List.of(first, second, other)).allSatisfy(r -> assertThat(r.exitCode()).as(r.err()).isZero());
    assertThat(Files.readAllBytes(dir.resolve("a.jsonl"))).isEqualTo(Files.readAllBytes(dir.resolve("b.jsonl")));
    assertThat(Files.readAllBytes(dir.resolve("a-truth.jsonl")))
        .isEqualTo(Files.readAllBytes(dir.resolve("b-truth.jsonl")));
    assertThat(Files.readAllBytes(dir.resolve("a.jsonl"))).isNotEqualTo(Files.readAllBytes(dir.resolve("c.jsonl")));
    Matcher rate = GENERATE_RATE.matcher(first.out());
    assertThat(rate.find()).as(first.out()).isTrue();
    System.out.println("generate: " + rate.group(0));
    assertThat(first.out()).contains("Oracle (the truth as the prediction): ctr click rate ").contains("AUC")
        .contains("RMSE");
  }

  @Test
  void shouldWriteValidEventsAndOneTruthLinePerEventWithTheSameIds() throws Exception {
    Path events = dir.resolve("e.jsonl");
    Path truth = dir.resolve("t.jsonl");

    CliRun run = generate(events, truth, "5");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> eventLines = Files.readAllLines(events, StandardCharsets.UTF_8);
    List<String> truthLines = Files.readAllLines(truth, StandardCharsets.UTF_8);
    assertThat(eventLines).hasSize(TOTAL);
    assertThat(truthLines).hasSize(TOTAL);
    Pattern id = Pattern.compile("\"id\":\"([^\"]+)\"");
    for (int i = 0; i < TOTAL; i += 997) {
      Matcher e = id.matcher(eventLines.get(i));
      Matcher t = id.matcher(truthLines.get(i));
      assertThat(e.find() && t.find()).isTrue();
      assertThat(t.group(1)).isEqualTo(e.group(1));
      assertThat(truthLines.get(i)).contains("\"truth\":");
    }
    JsonCodec<LabelledEvent> codec = Codecs.labelledEvents(TandemConfig.defaults().tasks());
    assertThat(eventLines).allSatisfy(line -> assertThat(codec.decode(line.getBytes(StandardCharsets.UTF_8)))
        .as(line).isInstanceOf(Decoded.Valid.class));
    assertThat(eventLines.stream().filter(l -> l.contains("\"task\":\"ctr\""))).hasSize(CTR_EVENTS);
    assertThat(eventLines.stream().filter(l -> l.contains("\"task\":\"preference\""))).hasSize(PREFERENCE_EVENTS);
  }

  @Test
  void shouldReplayAGeneratedFileIntoATopicWithEveryRecordIntact() throws Exception {
    // Given a generated file
    Path events = dir.resolve("r.jsonl");
    assertThat(generate(events, dir.resolve("r-truth.jsonl"), "3").exitCode()).isZero();
    String topic = SharedKafka.uniqueTopic("generated");

    // When it is replayed
    CliRun replay = CliRun.of("replay", events.toString(), "--topic", topic, "--bootstrap-servers",
        SharedKafka.bootstrapServers(), "--create-topic", "4");

    // Then the topic holds exactly the file's lines (as a multiset), with the file's byte count
    assertThat(replay.exitCode()).as(replay.err()).isZero();
    Matcher rate = REPLAY_RATE.matcher(replay.out());
    assertThat(rate.find()).as(replay.out()).isTrue();
    System.out.println("replay of " + TOTAL + " generated events: " + rate.group(0));
    List<ConsumerRecord<byte[], byte[]>> records = SharedKafka.consumeRaw(topic, TOTAL, Duration.ofSeconds(60));
    Map<String, Integer> expected = new HashMap<>();
    long fileBytes = 0;
    for (String line : Files.readAllLines(events, StandardCharsets.UTF_8)) {
      expected.merge(line, 1, Integer::sum);
      fileBytes += line.getBytes(StandardCharsets.UTF_8).length;
    }
    Map<String, Integer> actual = new HashMap<>();
    long topicBytes = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      actual.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum);
      topicBytes += r.value().length;
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(topicBytes).isEqualTo(fileBytes);
    assertThat(replay.out()).contains(String.format("(%,d bytes)", fileBytes));
  }

  @Test
  void shouldGenerateStraightIntoATopic() {
    String topic = SharedKafka.uniqueTopic("direct");
    SharedKafka.createTopics(2, topic);

    CliRun run = CliRun.of("generate", "--seed", "9", "--ctr-events", "3000", "--preference-events", "1000",
        "--topic", topic, "--bootstrap-servers", SharedKafka.bootstrapServers());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<ConsumerRecord<String, String>> records = SharedKafka.consume(topic, 4_000, Duration.ofSeconds(60));
    assertThat(records).allSatisfy(r -> assertThat(r.value()).contains("\"user\":\"" + r.key() + "\""));
  }
}
