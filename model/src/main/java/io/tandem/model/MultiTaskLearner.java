package io.tandem.model;

import java.util.List;
import java.util.Map;

/**
 * An online multi-task learner, River-style: predict a micro-batch, then learn from it.
 *
 * <p>Call order for prequential (predict-then-learn) use: {@link #predict(List)} on a batch, then
 * {@link #learn(List)} on the same batch with labels. Batches may have any size including 1.
 *
 * <p>Contract (checked by the shared contract test suite every implementation passes):
 * <ul>
 *   <li>{@code predict} changes nothing: calling it twice gives identical results and leaves
 *       {@link #version()} unchanged;
 *   <li>{@code learn} updates the model and never its input, and increments {@link #version()}
 *       by one per call;
 *   <li>a label for a task the learner does not know, or a label its task does not accept, is an
 *       {@link IllegalArgumentException} naming the task and the value, raised before anything is
 *       updated;
 *   <li>seeded: two learners built from the same configuration and fed the same batches give
 *       bit-identical predictions.
 * </ul>
 *
 * <p>Not thread-safe: one thread drives a learner.
 */
public interface MultiTaskLearner {

  /** The tasks this learner predicts, in a fixed order. */
  List<TaskSpec> tasks();

  /**
   * Scores every example for every task: a probability in [0, 1] for a binary task, the
   * predicted label (clipped to its range) for a regression.
   *
   * @param batch the examples; not modified
   * @return one map per example, in batch order, task name to score, with an entry per task
   */
  List<Map<String, Double>> predict(List<Example> batch);

  /**
   * Learns from a batch of labelled examples (one optimizer step for the batch).
   *
   * @param batch the examples with their (possibly partial) labels; not modified
   * @throws IllegalArgumentException for an unknown task or an unacceptable label; nothing is
   *     updated then
   */
  void learn(List<LabelledExample> batch);

  /** Number of {@link #learn(List)} calls applied so far (restored with a snapshot). */
  long version();
}
