package io.tandem.bench.decode;

import io.tandem.schemas.Codecs;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.streams.config.TandemConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * CPU time per decoded labelled event, with the streaming fast path ({@code Codecs.labelledEvents})
 * and without it ({@link JsonCodec#withoutFastPath()}: Jackson tree, shape check or JSON Schema
 * validator, binding), in one JVM on one thread, the two taking turns round by round so that they
 * share the machine's load alike. CPU time of the measuring thread ({@code ThreadMXBean}) is far
 * steadier than wall-clock rates on a busy shared machine; the median of the second half of the
 * rounds is reported (the first half warms the JIT), with bytes allocated per event.
 *
 * <p>Before measuring, every input is decoded by both codecs and the results must be equal
 * (values or rejections); the run stops otherwise.
 *
 * <p>Usage, from the repository root after {@code bash tests/bench.sh -l} (which builds the test
 * classes and writes {@code tests/target/bench.classpath}):
 *
 * <pre>
 * java -cp "tests/target/test-classes:$(cat tests/target/bench.classpath)" \
 *   io.tandem.bench.decode.DecodeCpuComparison 200000 16 [EVENTS.jsonl]
 * </pre>
 *
 * <p>Arguments: events per round, rounds, and optionally a file of labelled events, one JSON
 * object per line (e.g. from {@code tandem generate}); without it the events are generated as
 * {@code TopologyThroughput} writes them (seeded; 2 tasks, 5,000 users, 2,000 items, a context of
 * a device string and an hour). The tasks are Tandem's default catalog.
 */
public final class DecodeCpuComparison {

  /** Keeps the decoded values observable, so the JIT cannot drop the work. */
  private static volatile long consumed;

  private DecodeCpuComparison() {}

  /**
   * Runs the comparison and prints one line per round and a summary.
   *
   * @param args see the class comment
   * @throws IOException if the events file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: DecodeCpuComparison EVENTS_PER_ROUND ROUNDS [EVENTS.jsonl]");
      System.exit(2);
    }
    int perRound = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    byte[][] inputs = args.length > 2 ? readLines(Path.of(args[2]), perRound) : generate(perRound);
    JsonCodec<LabelledEvent> fast = Codecs.labelledEvents(TandemConfig.defaults().tasks());
    JsonCodec<LabelledEvent> tree = fast.withoutFastPath();
    int valid = checkSameResults(inputs, fast, tree);
    System.out.printf(Locale.ROOT,
        "%,d inputs (%,d valid), %.0f bytes on average; both paths agree%n",
        inputs.length, valid, Arrays.stream(inputs).mapToInt(b -> b.length).average().orElse(0));

    List<double[]> fastRounds = new ArrayList<>();
    List<double[]> treeRounds = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      double[] f = measure(fast, inputs);
      double[] t = measure(tree, inputs);
      fastRounds.add(f);
      treeRounds.add(t);
      System.out.printf(Locale.ROOT,
          "round %2d: fast path %7.0f ns CPU/event, tree path %7.0f ns%n",
          r + 1, f[0], t[0]);
    }
    double fastNs = medianOfSecondHalf(fastRounds, 0);
    double treeNs = medianOfSecondHalf(treeRounds, 0);
    System.out.printf(Locale.ROOT, "median of rounds %d-%d: fast path %.0f ns CPU/event (%.0f B"
        + " allocated), tree path %.0f ns (%.0f B): tree/fast = %.2f; load average %.2f%n",
        rounds / 2 + 1, rounds, fastNs, medianOfSecondHalf(fastRounds, 1), treeNs,
        medianOfSecondHalf(treeRounds, 1), treeNs / fastNs,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** Decodes every input with both codecs; returns the number of valid inputs. */
  private static int checkSameResults(byte[][] inputs, JsonCodec<LabelledEvent> fast,
      JsonCodec<LabelledEvent> tree) {
    int valid = 0;
    for (byte[] input : inputs) {
      Decoded<LabelledEvent> a = fast.decode(input);
      Decoded<LabelledEvent> b = tree.decode(input);
      if (!a.equals(b)) {
        throw new IllegalStateException("the paths disagree on "
            + new String(input, StandardCharsets.UTF_8) + ": " + a + " vs " + b);
      }
      valid += a instanceof Decoded.Valid<LabelledEvent> ? 1 : 0;
    }
    return valid;
  }

  /** One round: {CPU ns per event, allocated bytes per event}. */
  private static double[] measure(JsonCodec<LabelledEvent> codec, byte[][] inputs) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long sink = 0;
    long bytes0 = threads.getThreadAllocatedBytes(id);
    long cpu0 = threads.getCurrentThreadCpuTime();
    for (byte[] input : inputs) {
      if (codec.decode(input) instanceof Decoded.Valid<LabelledEvent> v) {
        sink += v.value().ts();
      }
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long allocated = threads.getThreadAllocatedBytes(id) - bytes0;
    consumed = sink;
    return new double[] {(double) cpu / inputs.length, (double) allocated / inputs.length};
  }

  private static double medianOfSecondHalf(List<double[]> rounds, int column) {
    double[] values = rounds.subList(rounds.size() / 2, rounds.size()).stream()
        .mapToDouble(r -> r[column]).sorted().toArray();
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  private static byte[][] readLines(Path file, int limit) throws IOException {
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> !l.isBlank()).limit(limit)
          .map(l -> l.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }
  }

  /** Events spelled as {@code TopologyThroughput} writes them, seeded. */
  private static byte[][] generate(int n) {
    SplittableRandom random = new SplittableRandom(42);
    byte[][] out = new byte[n][];
    for (int i = 0; i < n; i++) {
      boolean click = i % 4 != 3;
      String json = "{\"id\":\"e-" + i + "\",\"task\":\"" + (click ? "ctr" : "preference")
          + "\",\"user\":\"u" + random.nextInt(5_000) + "\",\"item\":\"i" + random.nextInt(2_000)
          + "\",\"label\":" + (click ? (random.nextDouble() < 0.1 ? 1 : 0) : 1 + random.nextInt(5))
          + ",\"ts\":" + (1_764_300_000_000L + i) + ",\"context\":{\"device\":\""
          + (random.nextBoolean() ? "mobile" : "desktop") + "\",\"hour\":" + random.nextInt(24)
          + "}}";
      out[i] = json.getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }
}
