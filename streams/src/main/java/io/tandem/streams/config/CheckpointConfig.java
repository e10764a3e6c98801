package io.tandem.streams.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How often each learner writes a full checkpoint of its model ({@code learner.checkpoint.*}).
 *
 * <p>Between checkpoints a commit writes only the micro-batches learned since the previous
 * commit (a log); a restore loads the newest checkpoint and re-learns the logged batches. A
 * checkpoint is taken at the first commit after {@code interval} has passed since the previous
 * one (if anything was learned), and at the first commit after the log holds
 * {@code maxLogEvents} events, so a restore never re-learns more than about that many events.
 *
 * @param interval {@code learner.checkpoint.interval.ms}: time between two checkpoints of one
 *     stream task; zero = a checkpoint at every commit and no log (the layout before the log
 *     existed); not negative
 * @param maxLogEvents {@code learner.checkpoint.max.log.events}: logged events that force a
 *     checkpoint at the next commit, &gt;= 1
 */
public record CheckpointConfig(Duration interval, long maxLogEvents) {

  /** Validates; the messages name the key, the value and the rule. */
  public CheckpointConfig {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException(TandemConfigDef.LEARNER_CHECKPOINT_INTERVAL_MS
          + ": must be >= 0, got " + interval.toMillis());
    }
    if (maxLogEvents < 1) {
      throw new IllegalArgumentException(TandemConfigDef.LEARNER_CHECKPOINT_MAX_LOG_EVENTS
          + ": must be >= 1, got " + maxLogEvents);
    }
  }

  /** A checkpoint at every commit, no log. */
  public static CheckpointConfig everyCommit() {
    return new CheckpointConfig(Duration.ZERO, Long.MAX_VALUE);
  }

  /** Whether batches are logged between checkpoints (a positive interval). */
  public boolean logging() {
    return !interval.isZero();
  }
}
