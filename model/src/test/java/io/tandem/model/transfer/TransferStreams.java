package io.tandem.model.transfer;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The transfer tests' fixture: small seeded streams, a small model, a manual controller setting,
 * and a trained model with its identical twin. Streams: 40 users, 30 items, binary tasks. Task {@code a}
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

  /**
   * A controller that only acts when told to ({@link DriftTransferController#startTransfer}; no
   * detector, so no warning detector either), without warm-up, with a 300-event shadow span.
   */
  static final TransferConfig MANUAL = TransferConfig.defaults()
      .withDetector(DetectorKind.NONE).withWarmupEvents(0).withShadowEvents(300);

  private TransferStreams() {}

  /**
   * A model and its identical twin, both trained on the same 80 batches of 32 events over
   * {@link #TWO} (seed 5, no drift), and the next 30 batches (seed 6, no drift): a stationary
   * stream on which a candidate has nothing to re-learn.
   *
   * @param model the model a test drives (e.g. with a controller)
   * @param twin the model that takes no action, to compare with
   * @param next the batches after the warm-up
   */
  record Twins(MultiTaskModel model, MultiTaskModel twin, List<List<LabelledExample>> next) {

    /** Feeds every batch of {@link #next} to {@code controller} (over {@link #model}) and to the
     * twin; returns the controller's events. */
    List<TransferEvent> runBoth(DriftTransferController controller) {
      List<TransferEvent> events = new ArrayList<>();
      for (List<LabelledExample> batch : next) {
        events.addAll(step(model, controller, batch));
        twin.learn(batch);
      }
      return events;
    }
  }

  /** See {@link Twins}. */
  static Twins warmTwins() {
    MultiTaskModel model = MultiTaskModel.create(SMALL, TWO);
    MultiTaskModel twin = MultiTaskModel.create(SMALL, TWO);
    for (List<LabelledExample> batch : batches(TWO, 5, 80, 32, -1)) {
      model.learn(batch);
      twin.learn(batch);
    }
    return new Twins(model, twin, batches(TWO, 6, 30, 32, -1));
  }

  /** Predicts the batch (the published scores), then lets the controller learn it. */
  static List<TransferEvent> step(MultiTaskModel model, DriftTransferController controller,
      List<LabelledExample> batch) {
    return controller.learn(batch, model.predict(examples(batch)));
  }

  /** {@link #step} over every batch; all events in order. */
  static List<TransferEvent> run(MultiTaskModel model, DriftTransferController controller,
      List<List<LabelledExample>> batches) {
    List<TransferEvent> out = new ArrayList<>();
    for (List<LabelledExample> batch : batches) {
      out.addAll(step(model, controller, batch));
    }
    return out;
  }

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
