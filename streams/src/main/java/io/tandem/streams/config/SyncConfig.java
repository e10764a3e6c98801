package io.tandem.streams.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Replica sync settings ({@code sync.*}): how often each stream task publishes its dense
 * parameters and mixes in the other stream tasks' ({@code io.tandem.streams.sync}), and how
 * strongly.
 *
 * @param interval {@code sync.interval.ms}: time between two syncs of one stream task; zero = sync
 *     off; not negative
 * @param mixingRate {@code sync.mixing.rate}: weight {@code a} of the others' mean in
 *     {@code theta <- (1 - a) theta + a mean}, in [0, 1]
 */
public record SyncConfig(Duration interval, double mixingRate) {

  /** Validates; the messages name the key, the value and the rule. */
  public SyncConfig {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException(TandemConfigDef.SYNC_INTERVAL_MS + ": must be >= 0, got "
          + interval.toMillis());
    }
    if (!(mixingRate >= 0.0 && mixingRate <= 1.0)) {
      throw new IllegalArgumentException(TandemConfigDef.SYNC_MIXING_RATE
          + ": must be in [0, 1], got " + mixingRate);
    }
  }

  /** Sync off: the default. */
  public static SyncConfig off() {
    return new SyncConfig(Duration.ZERO, 0.5);
  }

  /** Whether stream tasks sync at all (a positive interval). */
  public boolean enabled() {
    return !interval.isZero();
  }
}
