package io.tandem.bench.model;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The {@link LearnBenchmark} workload as plain rounds timed in CPU time, for
 * {@link LearnCpuComparison}: the reference network (dim 32; MMoE 4 experts x 64, shared-bottom
 * 64-64 or CGC; towers 32; a binary and a regression task; Adagrad), 16 pre-built rounds of
 * seeded events (5,000 users, 2,000 items, one label each, the tasks alternating), every id
 * learned once before timing. Public with a public constructor because {@link LearnCpuComparison}
 * loads one copy per model build through reflection. Not thread-safe.
 */
public final class LearnRounds {

  private static final int ROUNDS = 16;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final MultiTaskModel model;
  private final List<List<List<LabelledExample>>> rounds = new ArrayList<>();
  private int next;

  /**
   * Builds the model and the rounds, and learns every round once (warm tables).
   *
   * @param architecture a {@link ModelConfig.Architecture} name
   * @param batchSize events per micro-batch, &gt;= 1
   * @param events events per round, &gt;= 1
   */
  public LearnRounds(String architecture, int batchSize, int events) {
    model = referenceModel(architecture);
    SplittableRandom random = new SplittableRandom(7);
    for (int r = 0; r < ROUNDS; r++) {
      rounds.add(round(random, events, batchSize));
    }
    for (int r = 0; r < ROUNDS; r++) {
      cpuNanosOfNextRound(false);
    }
  }

  /**
   * The reference network of the model benchmarks with the given shared part: the model defaults
   * with hidden sizes 64-64 (shared-bottom), a binary task {@code ctr} and a regression task
   * {@code rating} on 1..5.
   *
   * @param architecture a {@link ModelConfig.Architecture} name
   */
  static MultiTaskModel referenceModel(String architecture) {
    ModelConfig config = ModelConfig.defaults()
        .withArchitecture(ModelConfig.Architecture.valueOf(architecture))
        .withHiddenSizes(List.of(64, 64));
    return MultiTaskModel.create(config,
        List.of(TaskSpec.binary("ctr"), TaskSpec.regression("rating", 1, 5)));
  }

  /**
   * One round of the benchmark workload: {@code events} seeded events (5,000 users, 2,000 items,
   * one label each, the tasks alternating) cut into micro-batches of {@code batchSize}.
   */
  static List<List<LabelledExample>> round(SplittableRandom random, int events, int batchSize) {
    List<List<LabelledExample>> batches = new ArrayList<>();
    for (int start = 0; start < events; start += batchSize) {
      List<LabelledExample> batch = new ArrayList<>(batchSize);
      for (int i = start; i < Math.min(events, start + batchSize); i++) {
        Example e = Example.of("u" + random.nextInt(5_000), "i" + random.nextInt(2_000));
        batch.add(i % 2 == 0
            ? LabelledExample.of(e, "ctr", random.nextInt(2))
            : LabelledExample.of(e, "rating", 1 + random.nextInt(5)));
      }
      batches.add(List.copyOf(batch));
    }
    return batches;
  }

  /**
   * Learns the next round, batch by batch, each batch first predicted when {@code prequential},
   * and returns the CPU time this thread spent on it, in nanoseconds.
   */
  public long cpuNanosOfNextRound(boolean prequential) {
    List<List<LabelledExample>> batches = rounds.get(next);
    next = (next + 1) % rounds.size();
    long start = threads.getCurrentThreadCpuTime();
    for (List<LabelledExample> batch : batches) {
      if (prequential) {
        List<Example> examples = new ArrayList<>(batch.size());
        for (LabelledExample labelled : batch) {
          examples.add(labelled.example());
        }
        model.predict(examples);
      }
      model.learn(batch);
    }
    return threads.getCurrentThreadCpuTime() - start;
  }

  /** The raw bits, in hex, of one fixed prediction: equal across builds that train alike. */
  public String checksum() {
    double score = model.predict(List.of(Example.of("u1", "i1"))).get(0).get("ctr");
    return Long.toHexString(Double.doubleToRawLongBits(score));
  }
}
