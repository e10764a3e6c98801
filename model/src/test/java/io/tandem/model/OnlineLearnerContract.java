package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MultiTaskLearner} must show (River's estimator checks, in Java).
 * Each learner's test class extends this one and supplies a factory; learners that can be
 * snapshotted also override {@link #supportsSnapshots()}, {@link #snapshot} and {@link #restore}.
 *
 * <p>Public (unlike other test classes) so that learners in other packages, such as the
 * baseline, can extend it. Streams come from {@link LearnerStreams}: tasks {@code ctr} (binary)
 * and {@code rating} (regression, 1..5), one label per event.
 */
public abstract class OnlineLearnerContract {

  /** The tasks every learner under contract is built with. */
  protected static final List<TaskSpec> TASKS = LearnerStreams.TASKS;

  /** A new learner for {@code tasks}, seeded with {@code seed}, without learned state. */
  protected abstract MultiTaskLearner newLearner(List<TaskSpec> tasks, long seed);

  /** Whether {@link #snapshot} and {@link #restore} are implemented. */
  protected boolean supportsSnapshots() {
    return false;
  }

  /** The learner's whole state as bytes. */
  protected byte[] snapshot(MultiTaskLearner learner) throws IOException {
    throw new UnsupportedOperationException("snapshots not supported");
  }

  /** A learner restored from {@link #snapshot}. */
  protected MultiTaskLearner restore(byte[] snapshot) throws IOException {
    throw new UnsupportedOperationException("snapshots not supported");
  }

  @Test
  void shouldScoreEveryTaskWithinItsRange() {
    // Given a learner that has learned a little
    MultiTaskLearner learner = trained(7, 20);

    // When it predicts a batch with seen and unseen ids
    List<Map<String, Double>> scores = learner.predict(
        List.of(Example.of("u1", "i1"), Example.of("never-seen", "nor-this")));

    // Then every example has a score for every task, within the task's range
    assertThat(scores).hasSize(2);
    for (Map<String, Double> s : scores) {
      assertThat(s).containsOnlyKeys("ctr", "rating");
      assertThat(s.get("ctr")).isBetween(0.0, 1.0);
      assertThat(s.get("rating")).isBetween(1.0, 5.0);
    }
    assertThat(learner.tasks()).isEqualTo(TASKS);
  }

  @Test
  void predictShouldChangeNothing() {
    // Given two identical learners
    MultiTaskLearner a = trained(7, 20);
    MultiTaskLearner b = trained(7, 20);
    List<Example> probe = LearnerStreams.examples(LearnerStreams.batches(99, 1, 50).get(0));

    // When one predicts twice, then both learn the same batches
    List<Map<String, Double>> first = a.predict(probe);
    List<Map<String, Double>> second = a.predict(probe);
    long version = a.version();
    for (List<LabelledExample> batch : LearnerStreams.batches(8, 5, 16)) {
      a.learn(batch);
      b.learn(batch);
    }

    // Then the repeated prediction is identical, the version unchanged by predicting, and the
    // learner that predicted is indistinguishable from the one that did not
    assertThat(second).isEqualTo(first);
    assertThat(version).isEqualTo(b.version() - 5);
    assertThat(a.predict(probe)).isEqualTo(b.predict(probe));
  }

  @Test
  void learnShouldNotTouchItsInputAndShouldCountVersions() {
    // Given a mutable batch list and a copy of it
    MultiTaskLearner learner = newLearner(TASKS, 7);
    List<LabelledExample> batch = new ArrayList<>(LearnerStreams.batches(3, 1, 32).get(0));
    List<LabelledExample> copy = List.copyOf(batch);

    // When it is learned twice
    learner.learn(batch);
    learner.learn(batch);

    // Then the list is unchanged, element for element, and the version counts the calls
    assertThat(batch).containsExactlyElementsOf(copy);
    assertThat(learner.version()).isEqualTo(2);
  }

  @Test
  void sameSeedAndInputShouldGiveBitIdenticalPredictions() {
    // Given two learners from the same seed fed the same batches (Double.equals compares bits)
    MultiTaskLearner a = trained(11, 30);
    MultiTaskLearner b = trained(11, 30);
    List<Example> probe = LearnerStreams.examples(LearnerStreams.batches(5, 1, 40).get(0));

    // Then
    assertThat(a.predict(probe)).isEqualTo(b.predict(probe));
  }

  @Test
  void shouldLearnFromPartialLabels() {
    // Given a learner and a batch labelled for ctr only: user u0 always clicks
    MultiTaskLearner learner = newLearner(TASKS, 7);
    Example example = Example.of("u0", "i0");
    double before = learner.predict(List.of(example)).get(0).get("ctr");

    // When it learns that batch repeatedly
    for (int i = 0; i < 50; i++) {
      learner.learn(List.of(LabelledExample.of(example, "ctr", 1)));
    }

    // Then the ctr score for the example rose
    assertThat(learner.predict(List.of(example)).get(0).get("ctr")).isGreaterThan(before);
  }

  @Test
  void shouldSeparateUsersItHasLearnedAbout() {
    // Given a learner trained on the stream where even users click 90% and odd users 10%
    MultiTaskLearner learner = trained(13, 400);

    // When scoring a clicking user and a non-clicking user on the same item
    List<Map<String, Double>> s = learner.predict(
        List.of(Example.of("u2", "i3"), Example.of("u3", "i3")));

    // Then the clicking user scores clearly higher
    assertThat(s.get(0).get("ctr")).isGreaterThan(s.get(1).get("ctr") + 0.2);
  }

  @Test
  void unknownTaskShouldBeRejectedBeforeAnyUpdate() {
    // Given a learner and a batch whose second event names an unknown task
    MultiTaskLearner learner = trained(7, 10);
    List<Example> probe = List.of(Example.of("u1", "i1"));
    List<Map<String, Double>> before = learner.predict(probe);
    long version = learner.version();
    List<LabelledExample> batch = List.of(
        LabelledExample.of(Example.of("u1", "i1"), "ctr", 1),
        LabelledExample.of(Example.of("u1", "i1"), "conversion", 1));

    // When / Then: rejected, naming the task, with nothing updated
    assertThatThrownBy(() -> learner.learn(batch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conversion");
    assertThat(learner.version()).isEqualTo(version);
    assertThat(learner.predict(probe)).isEqualTo(before);
  }

  @Test
  void illegalLabelShouldBeRejectedNamingTaskAndValue() {
    MultiTaskLearner learner = newLearner(TASKS, 7);
    assertThatThrownBy(() -> learner.learn(
        List.of(LabelledExample.of(Example.of("u", "i"), "ctr", 0.5))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ctr")
        .hasMessageContaining("0.5");
    assertThatThrownBy(() -> learner.learn(
        List.of(LabelledExample.of(Example.of("u", "i"), "rating", 9))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rating")
        .hasMessageContaining("9.0");
    assertThat(learner.version()).isZero();
  }

  @Test
  void nonFiniteInputsShouldBeRejectedNamingTheField() {
    assertThatThrownBy(() -> new Example("u", "i", Map.of(), Map.of("hour", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hour");
    assertThatThrownBy(() -> new Example("u", "i", Map.of(),
        Map.of("price", Double.POSITIVE_INFINITY)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("price");
    assertThatThrownBy(() -> LabelledExample.of(Example.of("u", "i"), "ctr", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ctr");
    MultiTaskLearner learner = newLearner(TASKS, 7);
    List<Example> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> learner.predict(withNull))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void snapshotRoundTripShouldGiveIdenticalPredictions() throws IOException {
    assumeThat(supportsSnapshots()).as("learner supports snapshots").isTrue();
    // Given a trained learner
    MultiTaskLearner learner = trained(17, 40);
    List<Example> probe = LearnerStreams.examples(LearnerStreams.batches(5, 1, 40).get(0));

    // When it is snapshotted and restored
    MultiTaskLearner restored = restore(snapshot(learner));

    // Then predictions and version are identical
    assertThat(restored.predict(probe)).isEqualTo(learner.predict(probe));
    assertThat(restored.version()).isEqualTo(learner.version());
  }

  @Test
  void restoreThenContinueShouldEqualNeverStoppedBitForBit() throws IOException {
    assumeThat(supportsSnapshots()).as("learner supports snapshots").isTrue();
    // Given a learner stopped after 20 batches and restored from its snapshot
    List<List<LabelledExample>> stream = LearnerStreams.batches(21, 40, 16);
    MultiTaskLearner neverStopped = newLearner(TASKS, 5);
    for (List<LabelledExample> batch : stream.subList(0, 20)) {
      neverStopped.learn(batch);
    }
    MultiTaskLearner restored = restore(snapshot(neverStopped));

    // When both learn the remaining 20 batches
    for (List<LabelledExample> batch : stream.subList(20, 40)) {
      neverStopped.learn(batch);
      restored.learn(batch);
    }

    // Then they predict bit-identically and their snapshots are equal byte for byte
    List<Example> probe = LearnerStreams.examples(LearnerStreams.batches(5, 1, 60).get(0));
    assertThat(restored.predict(probe)).isEqualTo(neverStopped.predict(probe));
    assertThat(snapshot(restored)).isEqualTo(snapshot(neverStopped));
  }

  /** A learner seeded with {@code seed} after {@code batches} batches of 16 of the stream. */
  private MultiTaskLearner trained(long seed, int batches) {
    MultiTaskLearner learner = newLearner(TASKS, seed);
    for (List<LabelledExample> batch : LearnerStreams.batches(seed, batches, 16)) {
      learner.learn(batch);
    }
    return learner;
  }
}
