package io.tandem.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.transfer.DriftTransferController;
import io.tandem.model.transfer.TaskWatch;
import io.tandem.model.transfer.TransferConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model's replica-sync API: {@link MultiTaskModel#mixDenseParameters} is exactly
 * {@code (1 - rate) * theta + rate * mean}, refuses foreign or misshapen input, and leaves a
 * boosted tower alone; {@link MultiTaskModel#boostTowerLearningRate} and
 * {@link DriftTransferController#followPromotion} apply another replica's promotion.
 */
class ReplicaSyncTest {

  /**
   * The mix is computed with the same double expression as the expectation, so it must match to
   * the last bit; a nonzero tolerance would hide a different formula only at a rounding scale.
   */
  private static final double EXACT = 0.0;

  private static ModelConfig config() {
    return ModelConfig.defaults()
        .withArchitecture(ModelConfig.Architecture.MMOE)
        .withEmbeddingDim(4)
        .withExperts(2, 6)
        .withTowerSize(3);
  }

  /** Two replicas of one configuration that learned different batches. */
  private static MultiTaskModel[] twoReplicas() {
    MultiTaskModel a = MultiTaskModel.create(config(), LearnerStreams.TASKS);
    MultiTaskModel b = MultiTaskModel.create(config(), LearnerStreams.TASKS);
    LearnerStreams.batches(1, 3, 16).forEach(a::learn);
    LearnerStreams.batches(2, 3, 16).forEach(b::learn);
    return new MultiTaskModel[] {a, b};
  }

  /** Where task {@code t}'s tower lies among the dense parameters: [from, to). */
  private static int[] towerRange(MultiTaskModel model, int t) {
    int shared = model.sharedParameterCount();
    int towerLength = (model.denseParameters().length - shared) / model.tasks().size();
    return new int[] {shared + t * towerLength, shared + (t + 1) * towerLength};
  }

  @Test
  void shouldMixExactlyOneMinusRateTimesOwnPlusRateTimesMean() {
    // Given two replicas whose parameters differ after learning different events
    MultiTaskModel[] replicas = twoReplicas();
    double[] own = replicas[0].denseParameters();
    double[] mean = replicas[1].denseParameters();
    assertThat(own).isNotEqualTo(mean);
    long version = replicas[0].version();
    double rate = 0.3;

    // When replica a mixes in b's parameters
    int mixed = replicas[0].mixDenseParameters(replicas[1].fingerprint(), mean, rate);

    // Then every parameter is the formula's value; the version and the mean are untouched
    double[] after = replicas[0].denseParameters();
    assertThat(mixed).isEqualTo(own.length);
    for (int i = 0; i < own.length; i++) {
      assertThat(after[i]).as("parameter %d", i)
          .isCloseTo((1.0 - rate) * own[i] + rate * mean[i], within(EXACT));
    }
    assertThat(replicas[0].version()).isEqualTo(version);
    assertThat(replicas[1].denseParameters()).isEqualTo(mean);
  }

  @Test
  void shouldChangeNothingAtRateZeroAndCopyTheMeanAtRateOne() {
    // Given two replicas
    MultiTaskModel[] replicas = twoReplicas();
    double[] own = replicas[0].denseParameters();
    double[] mean = replicas[1].denseParameters();

    // When mixing at rate 0, then at rate 1
    replicas[0].mixDenseParameters(replicas[0].fingerprint(), mean, 0.0);
    double[] afterZero = replicas[0].denseParameters();
    replicas[0].mixDenseParameters(replicas[0].fingerprint(), mean, 1.0);

    // Then rate 0 kept the own parameters and rate 1 took the mean's
    assertThat(afterZero).isEqualTo(own);
    assertThat(replicas[0].denseParameters()).isEqualTo(mean);
  }

  @Test
  void shouldRejectParametersOfAnotherConfigurationByFingerprint() {
    // Given a model and one with another tower size (so another fingerprint)
    MultiTaskModel model = MultiTaskModel.create(config(), LearnerStreams.TASKS);
    MultiTaskModel other = MultiTaskModel.create(config().withTowerSize(5), LearnerStreams.TASKS);
    double[] before = model.denseParameters();

    // When / Then the mix is refused, naming both fingerprints, and nothing changed
    assertThatThrownBy(() -> model.mixDenseParameters(other.fingerprint(),
        new double[before.length], 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fingerprint " + Long.toHexString(other.fingerprint()))
        .hasMessageContaining("this model " + Long.toHexString(model.fingerprint()));
    assertThat(model.denseParameters()).isEqualTo(before);
  }

  @Test
  void shouldRejectAWrongLengthANonFiniteValueAndARateOutsideZeroToOne() {
    // Given a model
    MultiTaskModel model = MultiTaskModel.create(config(), LearnerStreams.TASKS);
    double[] before = model.denseParameters();
    long print = model.fingerprint();
    double[] withNaN = before.clone();
    withNaN[7] = Double.NaN;

    // When / Then each bad argument is refused with its rule, and nothing changed
    assertThatThrownBy(() -> model.mixDenseParameters(print, new double[before.length - 1], 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mean: has " + (before.length - 1) + " parameters, this model "
            + before.length);
    assertThatThrownBy(() -> model.mixDenseParameters(print, withNaN, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mean[7]: must be finite, got NaN");
    assertThatThrownBy(() -> model.mixDenseParameters(print, before, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate: must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> model.mixDenseParameters(print, before, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate: must be in [0, 1]");
    assertThat(model.denseParameters()).isEqualTo(before);
  }

  @Test
  void shouldLeaveTheTowerOfABoostedTaskOutOfTheMix() {
    // Given replica a re-learning task 0's tower at a boosted rate (as after a promotion)
    MultiTaskModel[] replicas = twoReplicas();
    String task = replicas[0].tasks().get(0).name();
    replicas[0].boostTowerLearningRate(task, 3.0, 1_000);
    double[] own = replicas[0].denseParameters();
    double[] mean = replicas[1].denseParameters();
    int[] tower = towerRange(replicas[0], 0);

    // When it mixes
    int mixed = replicas[0].mixDenseParameters(replicas[0].fingerprint(), mean, 0.5);

    // Then that tower kept its values and everything else moved half-way
    double[] after = replicas[0].denseParameters();
    assertThat(mixed).isEqualTo(own.length - (tower[1] - tower[0]));
    for (int i = 0; i < own.length; i++) {
      double expected = i >= tower[0] && i < tower[1] ? own[i] : 0.5 * own[i] + 0.5 * mean[i];
      assertThat(after[i]).as("parameter %d", i).isEqualTo(expected);
    }
  }

  @Test
  void shouldLearnTheBoostedTowerFasterAndKeepTheBoostInTheDenseBlob() {
    // Given two identical models, one with task 0's tower boosted 10x for 1,000 events (SGD, so
    // a step is rate times gradient and the boosted step is ten times larger)
    ModelConfig sgd = config().withOptimizer(ModelConfig.OptimizerKind.SGD, 0.01, 0.01);
    MultiTaskModel plain = MultiTaskModel.create(sgd, LearnerStreams.TASKS);
    MultiTaskModel boosted = MultiTaskModel.create(sgd, LearnerStreams.TASKS);
    String task = plain.tasks().get(0).name();
    boosted.boostTowerLearningRate(task, 10.0, 1_000);
    double[] start = plain.denseParameters();
    List<LabelledExample> batch = LearnerStreams.batches(5, 1, 32).get(0);

    // When both learn the same batch
    plain.learn(batch);
    boosted.learn(batch);

    // Then the boosted tower moved ten times as far; the shared part the same distance
    int[] tower = towerRange(plain, 0);
    double plainStep = distance(start, plain.denseParameters(), tower[0], tower[1]);
    double boostedStep = distance(start, boosted.denseParameters(), tower[0], tower[1]);
    assertThat(plainStep).isPositive();
    assertThat(boostedStep / plainStep).isCloseTo(10.0, within(1e-9));
    int shared = plain.sharedParameterCount();
    assertThat(distance(start, boosted.denseParameters(), 0, shared))
        .isEqualTo(distance(start, plain.denseParameters(), 0, shared));
    // And the boost survives the dense blob
    MultiTaskModel restored = MultiTaskModel.create(sgd, LearnerStreams.TASKS);
    restored.importDense(boosted.exportDense());
    assertThat(restored.boostedTask()).isEqualTo(task);
    assertThat(plain.boostedTask()).isNull();
  }

  @Test
  void shouldRejectABadBoost() {
    MultiTaskModel model = MultiTaskModel.create(config(), LearnerStreams.TASKS);
    assertThatThrownBy(() -> model.boostTowerLearningRate("nope", 3.0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task 'nope'");
    assertThatThrownBy(() -> model.boostTowerLearningRate("ctr", 0.5, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("factor: must be in [1, 100], got 0.5");
    assertThatThrownBy(() -> model.boostTowerLearningRate("ctr", 3.0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("events: must be >= 0, got -1");
  }

  @Test
  void shouldFollowAnotherReplicasPromotionWithTheBoostAndAFreshWarmUp() {
    // Given a watched model past its warm-up
    TransferConfig transfer = TransferConfig.defaults().withWarmupEvents(10).withBoost(4.0, 500);
    MultiTaskModel model = MultiTaskModel.create(config(), LearnerStreams.TASKS);
    DriftTransferController controller = new DriftTransferController(model, transfer);
    for (List<LabelledExample> batch : LearnerStreams.batches(3, 4, 16)) {
      controller.learn(batch, model.predict(LearnerStreams.examples(batch)));
    }
    String task = model.tasks().get(0).name();
    assertThat(watch(controller, task).warmupLeft()).isZero();

    // When another replica's promotion of that task is followed
    boolean applied = controller.followPromotion(task);

    // Then the task's tower is boosted and its watch warms up again; nothing else alarms
    assertThat(applied).isTrue();
    assertThat(model.boostedTask()).isEqualTo(task);
    assertThat(watch(controller, task).warmupLeft()).isEqualTo(10);
    assertThat(watch(controller, task).promotions()).isZero();
    assertThatThrownBy(() -> controller.followPromotion("nope"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task 'nope'");
  }

  private static TaskWatch watch(DriftTransferController controller, String task) {
    return controller.watches().stream().filter(w -> w.task().equals(task)).findFirst()
        .orElseThrow();
  }

  private static double distance(double[] a, double[] b, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }
}
