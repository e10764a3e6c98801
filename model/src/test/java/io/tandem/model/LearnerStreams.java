package io.tandem.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Small seeded labelled streams for learner tests: 40 users, 30 items; user {@code uK} clicks
 * with probability 0.9 if K is even and 0.1 if odd, and rates items 1 + 4 * (K mod 5) / 4
 * (i.e. 1, 2, 3, 4 or 5); each event carries one task's label, alternating ctr and rating.
 */
final class LearnerStreams {

  static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary("ctr"), TaskSpec.regression("rating", 1, 5));

  private LearnerStreams() {}

  /** {@code count} batches of {@code size} events, deterministic in {@code seed}. */
  static List<List<LabelledExample>> batches(long seed, int count, int size) {
    SplittableRandom random = new SplittableRandom(seed);
    List<List<LabelledExample>> out = new ArrayList<>(count);
    int n = 0;
    for (int b = 0; b < count; b++) {
      List<LabelledExample> batch = new ArrayList<>(size);
      for (int i = 0; i < size; i++, n++) {
        int user = random.nextInt(40);
        Example example = Example.of("u" + user, "i" + random.nextInt(30));
        if (n % 2 == 0) {
          double p = user % 2 == 0 ? 0.9 : 0.1;
          batch.add(LabelledExample.of(example, "ctr", random.nextDouble() < p ? 1 : 0));
        } else {
          batch.add(LabelledExample.of(example, "rating", 1 + user % 5));
        }
      }
      out.add(List.copyOf(batch));
    }
    return out;
  }

  /**
   * An example of user {@code uUSER} and a random one of 30 items; with {@code context}, a
   * categorical {@code device} and a numeric {@code hour}, each present half the time (the draws
   * in that order, from {@code random}).
   */
  static Example example(SplittableRandom random, int user, boolean context) {
    Map<String, String> categorical = context && random.nextBoolean()
        ? Map.of("device", random.nextBoolean() ? "ios" : "android") : Map.of();
    Map<String, Double> numeric = context && random.nextBoolean()
        ? Map.of("hour", (double) random.nextInt(24)) : Map.of();
    return new Example("u" + user, "i" + random.nextInt(30), categorical, numeric);
  }

  /** The examples (without labels) of a batch. */
  static List<Example> examples(List<LabelledExample> batch) {
    return batch.stream().map(LabelledExample::example).toList();
  }
}
