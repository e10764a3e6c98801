package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.loss.Losses;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Onboarding of a task added at runtime, through {@link DriftTransferController#withTask}. */
class TaskOnboardingTest {

  /** Fits on 20,000 noisy points recover their parameters to about this much. */
  private static final double FIT_TOLERANCE = 0.1;
  /** Exact arithmetic up to rounding. */
  private static final double EXACT = 1e-12;
  /** Events collected, then events in shadow. */
  private static final int ONBOARD_EVENTS = 200;
  /** No drift watch, so only onboarding acts. */
  private static final TransferConfig CONFIG = TransferConfig.defaults()
      .withDetector(DetectorKind.NONE).withWarmupEvents(0).withOnboardEvents(ONBOARD_EVENTS);
  private static final List<TaskSpec> A_AND_C =
      List.of(TaskSpec.binary("a"), TaskSpec.binary("c"));
  private static final TaskSpec B = TaskSpec.binary("b");

  /** A model of tasks a and c trained for a while, grown by b (a's twin), and its controller. */
  private record Grown(MultiTaskModel model, DriftTransferController controller) {}

  private static Grown grownByTwin() {
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, A_AND_C);
    DriftTransferController controller = new DriftTransferController(model, CONFIG);
    for (List<LabelledExample> batch : TransferStreams.batches(A_AND_C, 1, 150, 48, -1)) {
      controller.learn(batch, model.predict(TransferStreams.examples(batch)));
    }
    MultiTaskModel grown = model.withTask(B, 1.0);
    return new Grown(grown, controller.withTask(grown));
  }

  private static List<TransferEvent> run(Grown g, long seed, int count) {
    List<TransferEvent> out = new ArrayList<>();
    for (List<LabelledExample> batch : TransferStreams.batches(TransferStreams.THREE, seed,
        count, 48, -1)) {
      out.addAll(g.controller().learn(batch, g.model().predict(TransferStreams.examples(batch))));
    }
    return out;
  }

  @Test
  void shouldOnboardFromTheMostCorrelatedTaskAndLetTheGuardDecide() {
    // Given a model of a and c grown by b, whose labels follow a's rule (a twin) and not c's
    Grown g = grownByTwin();
    assertThat(g.controller().onboardingTasks()).containsExactly("b");

    // When b's events arrive: 200 to collect, then 200 in shadow (b is one event in three)
    List<TransferEvent> events = run(g, 2, 30);

    // Then an onboarding started after 200 of b's events with a as the best source, and the
    // guard decided on b's next 200 events: the lower shadow loss serves
    assertThat(events).hasSize(2);
    TransferEvent started = events.get(0);
    assertThat(started.kind()).isEqualTo(TransferEvent.Kind.STARTED);
    assertThat(started.action()).isEqualTo(TransferEvent.Action.ONBOARD);
    assertThat(started.task()).isEqualTo("b");
    assertThat(started.detector()).isNull();
    assertThat(started.detectedAtTaskEvent()).isBetween((long) ONBOARD_EVENTS,
        ONBOARD_EVENTS + 48L);
    assertThat(started.sources()).hasSize(1);
    assertThat(started.sources().get(0).task()).isEqualTo("a");
    assertThat(started.sources().get(0).affinity()).isGreaterThan(0.5);
    TransferEvent decided = events.get(1);
    assertThat(decided.action()).isEqualTo(TransferEvent.Action.ONBOARD);
    assertThat(decided.detectedAtTaskEvent()).isEqualTo(started.detectedAtTaskEvent());
    assertThat(decided.kind()).isEqualTo(decided.candidateLoss() < decided.incumbentLoss()
        ? TransferEvent.Kind.PROMOTED : TransferEvent.Kind.ROLLED_BACK);
    assertThat(g.model().shadowTask()).isNull();
    assertThat(g.controller().onboardingTasks()).isEmpty();
  }

  @Test
  void shouldContinueIdenticallyAfterAStateRoundTripMidOnboarding() throws IOException {
    // Given two identical grown models and controllers, part-way through b's collection
    Grown first = grownByTwin();
    Grown second = grownByTwin();
    run(first, 2, 4);
    run(second, 2, 4);

    // When the second is restored into a fresh model and controller from its snapshot and the
    // controller's exported state (what a restart does)
    ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
    second.model().writeSnapshot(snapshot);
    MultiTaskModel restored =
        MultiTaskModel.readSnapshot(new ByteArrayInputStream(snapshot.toByteArray()));
    DriftTransferController controller = new DriftTransferController(restored, CONFIG);
    controller.importState(second.controller().exportState());
    Grown continued = new Grown(restored, controller);

    // Then both report the same onboarding, with the same numbers
    List<TransferEvent> expected = run(first, 3, 26);
    List<TransferEvent> actual = run(continued, 3, 26);
    assertThat(actual).isEqualTo(expected);
    assertThat(actual).extracting(TransferEvent::kind).contains(TransferEvent.Kind.STARTED);
  }

  @Test
  void shouldRejectAModelThatDidNotGrowByOneTask() {
    // Given a controller of a model of a and c
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, A_AND_C);
    DriftTransferController controller = new DriftTransferController(model, CONFIG);

    // When it is handed a model with other tasks, Then the error names both task lists
    assertThatThrownBy(() -> controller.withTask(
        MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.THREE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[a, b, c] are not this model's tasks [a, c] plus one");
  }

  @Test
  void shouldFitALeastSquaresLineExactly() {
    // Given points on y = 0.3 x - 0.2
    double[] x = {-2, -1, 0, 1, 2, 3};
    double[] y = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      y[k] = 0.3 * x[k] - 0.2;
    }

    // When fitted, Then the line is recovered and the correlation is 1
    double[] fit = TaskOnboarding.leastSquares(x, y, x.length);
    assertThat(fit[0]).isCloseTo(0.3, within(EXACT));
    assertThat(fit[1]).isCloseTo(-0.2, within(EXACT));
    assertThat(TaskOnboarding.correlation(x, y, x.length)).isCloseTo(1.0, within(EXACT));
  }

  @Test
  void shouldRecoverTheLogisticReadOutOfAScore() {
    // Given 20,000 labels drawn with P(y = 1) = sigmoid(1.5 x - 1) for standard normal x
    SplittableRandom random = new SplittableRandom(5);
    int n = 20_000;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int k = 0; k < n; k++) {
      x[k] = gaussian(random);
      y[k] = random.nextDouble() < Losses.sigmoid(1.5 * x[k] - 1) ? 1 : 0;
    }

    // When a logistic read-out is fitted, Then it finds the slope and the intercept
    double[] fit = TaskOnboarding.logisticFit(x, y, n);
    assertThat(fit[0]).isCloseTo(1.5, within(FIT_TOLERANCE));
    assertThat(fit[1]).isCloseTo(-1.0, within(FIT_TOLERANCE));
  }

  @Test
  void shouldFitTheMeanWhenTheSourceIsConstant() {
    // Given a constant source and labels with mean 0.25
    double[] x = {2, 2, 2, 2};
    double[] y = {1, 0, 0, 0};

    // When fitted, Then the slope is 0, the intercept the mean's logit, and the correlation 0
    double[] fit = TaskOnboarding.logisticFit(x, y, 4);
    assertThat(Losses.sigmoid(fit[0] * 2 + fit[1])).isCloseTo(0.25, within(1e-6));
    assertThat(TaskOnboarding.correlation(x, y, 4)).isZero();
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
