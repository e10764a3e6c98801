package io.tandem.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8, memory: {@value #IDS} distinct user ids, one learned event each, through an
 * {@link io.tandem.model.embedding.EmbeddingTable} with row expiry on ({@value #SPAN} events), in
 * a child JVM whose heap is capped at {@value #HEAP_MB} MiB ({@link ExpiryMemoryProbe} drives the
 * table as the model does: touch per event, drain after every batch of {@value #BATCH}, a sweep
 * every span/8 events). Row width {@value #DIM} with one optimizer slot per value is the default
 * model's user table (Adagrad).
 *
 * <p>Streaming 10 million events through the whole model would take minutes here (~20k events/s),
 * so the table, which is the only part of the model that grows with the number of ids, is driven
 * alone. Proven: the run completes under the cap; every id is either live or evicted and counted
 * (evictions + live rows = ids, nothing pending); live rows stay within the span plus one sweep
 * interval; the peak heap after a full GC stays under {@value #LIVE_BOUND_MB} MiB. Without expiry
 * the same run ends in an OutOfMemoryError under the same cap (measured, not run here: it thrashes
 * for ~40 s first).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TenMillionIdsMemoryIT {

  private static final long IDS = 10_000_000;
  private static final long SPAN = 100_000;
  private static final int DIM = 32;
  private static final int BATCH = 64;
  private static final int HEAP_MB = 256;
  /** Live data bound after a full GC: 1.125 x SPAN rows of ~0.5 KB, plus the JVM's own ~10 MiB. */
  private static final long LIVE_BOUND_MB = 128;

  @Test
  void shouldStayUnderTheHeapCapAndCountEveryEvictionWithTenMillionIds() throws Exception {
    // Given/When: the probe in a child JVM with a capped heap
    ProcessBuilder builder = new ProcessBuilder(ChildTandem.javaExecutable(), "-Xmx" + HEAP_MB + "m",
        "-XX:+UseSerialGC", "-cp", ChildTandem.testClassPath(), ExpiryMemoryProbe.class.getName(),
        String.valueOf(IDS), String.valueOf(SPAN), String.valueOf(DIM), String.valueOf(BATCH))
        .redirectErrorStream(true);
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process process = builder.start();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(150, TimeUnit.SECONDS)).as("probe finished").isTrue();
    } finally {
      process.destroyForcibly();
    }

    // Then: it completed under the cap
    assertThat(process.exitValue()).as("probe exit code; output:\n%s", output).isZero();
    Map<String, Long> r = results(output);
    long rows = r.get("rows");
    assertThat(r.get("admissions")).isEqualTo(IDS);
    assertThat(r.get("pending")).isZero();
    // And: every id is live or evicted, and the evictions are counted
    assertThat(r.get("evictions") + rows).as("evictions + live rows").isEqualTo(IDS);
    assertThat(rows).as("live rows").isBetween(SPAN - 1, SPAN + SPAN / 8);
    // And: the live heap stays bounded
    assertThat(r.get("majorGcs")).as("full GCs observed").isPositive();
    long peakLiveMb = r.get("peakAfterGcBytes") >> 20;
    System.out.printf("TenMillionIdsMemoryIT: %d ids, span %d, -Xmx%dm: %d live rows, %d evictions;"
            + " peak heap after full GC %d MiB (bound %d MiB, %d full GCs); peak of heap pools incl."
            + " garbage %d MiB; %d ms%n", IDS, SPAN, HEAP_MB, rows, r.get("evictions"), peakLiveMb,
        LIVE_BOUND_MB, r.get("majorGcs"), r.get("peakPoolsBytes") >> 20, r.get("millis"));
    assertThat(peakLiveMb).as("peak heap after a full GC (MiB)").isLessThanOrEqualTo(LIVE_BOUND_MB);
  }

  private static Map<String, Long> results(String output) throws IOException {
    List<String> lines = output.lines().filter(l -> l.startsWith("ids=")).toList();
    if (lines.size() != 1) {
      throw new IOException("expected one result line from the probe, got:\n" + output);
    }
    Map<String, Long> out = new HashMap<>();
    for (String pair : lines.get(0).split(" ")) {
      String[] kv = pair.split("=", 2);
      out.put(kv[0], Long.parseLong(kv[1]));
    }
    return out;
  }
}
