package io.tandem.model.transfer;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small seeded streams for the transfer tests: 40 users, 30 items, binary tasks. Task {@code a}
 * clicks with probability 0.9 for even users and 0.1 for odd ones; {@code b} has the same labels
 * as {@code a} (a perfectly related task); {@code c} clicks with 0.9 for even items (unrelated).
 * With {@code flipAt >= 0}, task {@code a}'s probabilities are reversed from that event on (an
 * abrupt drift). Events rotate through the tasks given.
 */
final class TransferStreams {

  static final List<TaskSpec> TWO = List.of(TaskSpec.binary("a"), TaskSpec.binary("b"));
  static final List<TaskSpec> THREE =
      List.of(TaskSpec.binary("a"), TaskSpec.binary("b"), TaskSpec.binary("c"));

  /**
   * A small, fast model: MMoE, dim 8, 2 experts of 16, towers of 8, affinity every 64, Adagrad at
   * 0.05 (embeddings) and 0.01 (dense). The rates are pinned below the model's defaults (0.15 /
   * 0.05): at those, this tiny problem is learned within a few batches and the affinity of the
   * twin task b towards a (0.025) fell below the unrelated c's (0.042), noise; at 0.05 / 0.01 b
   * leads clearly (0.18 vs -0.05).
   */
  static final ModelConfig SMALL = ModelConfig.defaults().withEmbeddingDim(8)
      .withExperts(2, 16).withTowerSize(8).withAffinity(0.1, 64)
      .withOptimizer(ModelConfig.OptimizerKind.ADAGRAD, 0.05, 0.01).withSeed(7);

  private TransferStreams() {}

  /** {@code count} batches of {@code size} events over {@code tasks}. */
  static List<List<LabelledExample>> batches(List<TaskSpec> tasks, long seed, int count,
      int size, long flipAt) {
    SplittableRandom random = new SplittableRandom(seed);
    List<List<LabelledExample>> out = new ArrayList<>(count);
    long n = 0;
    for (int b = 0; b < count; b++) {
      List<LabelledExample> batch = new ArrayList<>(size);
      for (int i = 0; i < size; i++, n++) {
        int user = random.nextInt(40);
        int item = random.nextInt(30);
        String task = tasks.get((int) (n % tasks.size())).name();
        double p = switch (task) {
          case "c" -> item % 2 == 0 ? 0.9 : 0.1;
          default -> user % 2 == 0 ? 0.9 : 0.1;
        };
        if ("a".equals(task) && flipAt >= 0 && n >= flipAt) {
          p = 1 - p;
        }
        double label = random.nextDouble() < p ? 1 : 0;
        batch.add(LabelledExample.of(Example.of("u" + user, "i" + item), task, label));
      }
      out.add(List.copyOf(batch));
    }
    return out;
  }

  /** The examples of a batch. */
  static List<Example> examples(List<LabelledExample> batch) {
    return batch.stream().map(LabelledExample::example).toList();
  }
}
