package io.tandem.model.drift;

/**
 * An online change detector over one numeric signal (for example a task's per-event error).
 *
 * <p>Call order: construct (or {@link #freshCopy()}), then for every observation call
 * {@link #update(double)} and afterwards read {@link #driftDetected()} and
 * {@link #warningDetected()}. The two flags describe the most recent update only: they hold
 * their value until the next {@code update}. After an update that detected drift, the next
 * {@code update} first forgets everything learned so far, so the detector starts afresh on the
 * new regime (River's semantics). {@link #reset()} may be called at any time to forget all learned
 * state explicitly. {@link #exportState()} and {@link #importState(byte[])} may be called between
 * updates to persist the learned state and restore it, e.g. across a restart; a restored detector
 * continues exactly as the one that was exported would have.
 *
 * <p>Implementations are not thread-safe: confine each instance to one thread (one per task).
 */
public interface DriftDetector {

  /**
   * Feeds one observation.
   *
   * @param value the observed signal; finite (each detector documents any narrower range)
   * @throws IllegalArgumentException if {@code value} is NaN, infinite or outside the detector's
   *     documented range; the detector's state is then unchanged
   */
  void update(double value);

  /**
   * Whether the most recent {@link #update(double)} detected a drift. False before the first
   * update and after {@link #reset()}.
   */
  boolean driftDetected();

  /**
   * Whether the most recent {@link #update(double)} put the detector in its warning zone. Always
   * false for detectors without a warning level; never true at the same time as
   * {@link #driftDetected()}.
   */
  boolean warningDetected();

  /** Forgets all learned state; the hyperparameters are kept. Afterwards both flags are false. */
  void reset();

  /**
   * A short stable identifier of the algorithm ({@code adwin}, {@code page-hinkley}, {@code ddm}),
   * suitable as a bounded metric tag.
   */
  String name();

  /**
   * Serialises the hyperparameters and the learned state (including the flags) into a versioned
   * binary blob. Never null; the detector is not changed.
   */
  byte[] exportState();

  /**
   * Replaces this detector's learned state by one produced by {@link #exportState()}.
   *
   * @param state bytes from {@code exportState()} of the same detector kind with equal
   *     hyperparameters; not null
   * @throws IllegalArgumentException if the bytes are malformed, belong to another detector kind,
   *     were written with different hyperparameters, or carry a format version newer than this
   *     build supports ("supports at most version N"); the detector's state is then unchanged
   */
  void importState(byte[] state);

  /** A new detector with the same hyperparameters and no learned state; this one is unchanged. */
  DriftDetector freshCopy();
}
