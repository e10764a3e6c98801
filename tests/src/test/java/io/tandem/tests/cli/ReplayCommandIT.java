package io.tandem.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.tests.support.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReplayCommandIT {

  private static final int VALID = 5_000;
  private static final Pattern RATE = Pattern.compile("in ([0-9.]+) s: ([0-9,]+) records/s");

  @TempDir
  Path dir;

  @Test
  void shouldProduceEveryLineBytesUntouchedKeyedByUserInFileOrderPerUser() throws Exception {
    // Given a file of valid events over 50 users plus two lines that are not valid JSON / UTF-8
    Path file = dir.resolve("events.jsonl");
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    List<byte[]> lines = new ArrayList<>();
    for (int i = 0; i < VALID; i++) {
      lines.add(("{\"id\":\"e-" + i + "\",\"task\":\"ctr\",\"user\":\"u" + (i % 50) + "\",\"item\":\"i" + i
          + "\",\"label\":" + (i % 2) + ",\"ts\":" + (1_764_300_000_000L + i) + "}").getBytes(StandardCharsets.UTF_8));
    }
    lines.add("{not json".getBytes(StandardCharsets.UTF_8));
    lines.add(new byte[] {'{', '"', 'u', 's', 'e', 'r', '"', ':', '"', (byte) 0xFF, '"', '}'});
    for (byte[] line : lines) {
      content.write(line);
      content.write('\n');
    }
    Files.write(file, content.toByteArray());
    String topic = SharedKafka.uniqueTopic("replay");

    // When
    CliRun run = CliRun.of("replay", file.toString(), "--topic", topic, "--bootstrap-servers",
        SharedKafka.bootstrapServers(), "--create-topic", "3");

    // Then it reports success and a rate
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Replayed 5,002 records");
    Matcher rate = RATE.matcher(run.out());
    assertThat(rate.find()).as(run.out()).isTrue();
    System.out.println("replay of " + lines.size() + " records: " + rate.group(0));

    // And every line is in the topic exactly once, bytes equal, keyed by user
    List<ConsumerRecord<byte[], byte[]>> records = SharedKafka.consumeRaw(topic, lines.size(), Duration.ofSeconds(30));
    Map<String, Integer> expected = new HashMap<>();
    for (byte[] line : lines) {
      expected.merge(new String(line, StandardCharsets.ISO_8859_1), 1, Integer::sum);
    }
    Map<String, Integer> actual = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      actual.merge(new String(r.value(), StandardCharsets.ISO_8859_1), 1, Integer::sum);
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(records).filteredOn(r -> new String(r.value(), StandardCharsets.UTF_8).startsWith("{\"id\""))
        .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
            .contains("\"user\":\"" + new String(r.key(), StandardCharsets.UTF_8) + "\""));
    assertThat(records).filteredOn(r -> r.value()[1] == 'n').singleElement()
        .satisfies(r -> assertThat(r.key()).as("no key for a line that is not JSON").isNull());

    // And one user's events keep file order (same key, same partition)
    List<String> u7 = records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
        .filter(v -> v.contains("\"user\":\"u7\"")).toList();
    List<String> u7InFile = lines.stream().map(b -> new String(b, StandardCharsets.UTF_8))
        .filter(v -> v.contains("\"user\":\"u7\"")).toList();
    assertThat(u7).containsExactlyElementsOf(u7InFile);
  }

  @Test
  void shouldRefuseAMissingTopicWithoutCreateTopic() throws Exception {
    Path file = dir.resolve("one.jsonl");
    Files.writeString(file, "{\"user\":\"u1\"}\n");
    String topic = SharedKafka.uniqueTopic("absent");

    CliRun run = CliRun.of("replay", file.toString(), "--topic", topic, "--bootstrap-servers",
        SharedKafka.bootstrapServers());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("tandem replay: topic " + topic + " does not exist on "
        + SharedKafka.bootstrapServers() + "; create it (`tandem run` creates Tandem's topics) or pass "
        + "--create-topic PARTITIONS");
    assertThat(SharedKafka.topicNames()).doesNotContain(topic);
  }
}
