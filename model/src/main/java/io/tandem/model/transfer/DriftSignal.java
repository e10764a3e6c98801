package io.tandem.model.transfer;

/**
 * How the value a task's drift detector watches is derived from one prequential outcome (the
 * published score {@code p} and the label {@code y} of one event of that task). The default,
 * {@link #BASELINE_GAP}, was chosen by {@link RecoveryExperiment#studyDetectors}: with ADWIN it was
 * the only signal without false alarms on a stationary stream with a daily click cycle that also
 * detected an abrupt drift.
 *
 * <p>Let {@code l} be the event's loss in the units a monitor expects: log loss in nats for a
 * binary task, squared error in label units for a regression.
 */
public enum DriftSignal {
  /** {@code l} itself. Moves with the base rate of a binary task (e.g. a daily click cycle). */
  RAW_LOSS,
  /**
   * The loss beyond what the model itself expected. Binary: {@code l - H(p)} with
   * {@code H(p) = -p ln p - (1-p) ln(1-p)} the entropy of the prediction (p clipped as the loss
   * clips it): zero in expectation when the model is calibrated, whatever the base rate, so a
   * rhythm the model follows leaves it flat. Regression: the model predicts no variance, so the
   * signal is the squared error in the normalised label space, {@code ((p - y)/(max - min))^2},
   * in [0, 1]. Measured weakness: after an abrupt drift the model re-calibrates (its predictions
   * become less confident) within a few thousand events while its lost discrimination persists,
   * so the excess returns to zero long before the loss does, and ADWIN missed the drift.
   */
  EXCESS_LOSS,
  /**
   * The gap to a base-rate reference: {@code l - l0} where {@code l0} is the loss the task's
   * recent mean label would have scored on this event (a context-free predictor: an exponential
   * moving average of the labels with a time constant of 1,000 task events, taken before this
   * label; a binary mean clamped to [1e-4, 1 - 1e-4]); for a regression the gap is divided by
   * the squared label range, like {@link #EXCESS_LOSS}. A rhythm in the base rate moves both
   * losses alike, so the gap (minus the model's lift over the base rate) stays level; a drift that
   * costs the model its discrimination raises it until the model has relearned.
   */
  BASELINE_GAP,
  /**
   * The gap to a slow reference: {@code l - r} where {@code r} is an exponential moving average of
   * the task's loss with a time constant of {@link #DETREND_SPAN} task events, updated after the
   * value is formed. Removes rhythms much slower than the span; a step turns into a pulse that
   * fades over about the span.
   */
  DETRENDED_LOSS;

  /** Time constant of {@link #DETRENDED_LOSS}'s reference average, in task events. */
  public static final int DETREND_SPAN = 2_000;
}
