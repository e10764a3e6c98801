package io.tandem.streams.io;

import java.util.function.LongSupplier;

/**
 * Keeps a loop at a target rate: {@link #awaitTurn(long)} sleeps until item {@code n} is due, i.e.
 * until {@code n / rate} seconds after the pacer was created. A rate of 0 means no limit. Time
 * comes from an injected monotonic nanosecond clock. Not thread-safe.
 */
public final class RatePacer {

  private final double perSecond;
  private final LongSupplier nanoClock;
  private final long startNanos;

  /**
   * @param perSecond items per second, &gt;= 0 (0 = unlimited)
   * @param nanoClock monotonic clock, e.g. {@code System::nanoTime}
   */
  public RatePacer(double perSecond, LongSupplier nanoClock) {
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate: must be a finite number >= 0 per second, got " + perSecond);
    }
    this.perSecond = perSecond;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  /** Nanoseconds to wait before item {@code n} (0-based) is due; 0 when due or unlimited. */
  public long nanosUntil(long n) {
    if (perSecond == 0) {
      return 0;
    }
    long due = startNanos + (long) (n / perSecond * 1e9);
    return Math.max(0, due - nanoClock.getAsLong());
  }

  /**
   * Sleeps until item {@code n} is due.
   *
   * @throws InterruptedException if interrupted while sleeping
   */
  public void awaitTurn(long n) throws InterruptedException {
    long wait = nanosUntil(n);
    if (wait > 1_000_000) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
