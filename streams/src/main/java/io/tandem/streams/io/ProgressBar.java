package io.tandem.streams.io;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line text progress bar: {@code [#########...........]  45,000/100,000  45%  52,310 rec/s}.
 *
 * <p>On a terminal the line is redrawn in place with {@code \r}; otherwise (a pipe, a log, a test)
 * a new line is printed at most every {@link #NON_INTERACTIVE_INTERVAL}. Redraws are throttled to
 * {@link #REDRAW_INTERVAL}. Time comes from an injected clock (nanoseconds) so the output is
 * testable.
 *
 * <p>Not thread-safe: call {@link #update(long)} and {@link #finish(long)} from one thread.
 */
public final class ProgressBar {

  /** Shortest time between two redraws on a terminal. */
  public static final Duration REDRAW_INTERVAL = Duration.ofMillis(200);
  /** Shortest time between two printed lines when not on a terminal. */
  public static final Duration NON_INTERACTIVE_INTERVAL = Duration.ofSeconds(2);

  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final long total;
  private final boolean interactive;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private long lastDrawNanos;

  /**
   * @param out         where to draw
   * @param total       number of items expected, &gt;= 0 (0 = unknown: no bar, only counts and
   * rate)
   * @param interactive whether {@code out} is a terminal (redraw in place)
   * @param nanoClock   monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
   */
  public ProgressBar(PrintWriter out, long total, boolean interactive, LongSupplier nanoClock) {
    if (total < 0) {
      throw new IllegalArgumentException("total: must be >= 0, got " + total);
    }
    this.out = out;
    this.total = total;
    this.interactive = interactive;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    this.lastDrawNanos = startNanos;
  }

  /** Redraws if enough time has passed since the last redraw. {@code done} is the items completed
   * so far. */
  public void update(long done) {
    long now = nanoClock.getAsLong();
    Duration interval = interactive ? REDRAW_INTERVAL : NON_INTERACTIVE_INTERVAL;
    if (now - lastDrawNanos >= interval.toNanos()) {
      lastDrawNanos = now;
      draw(done, now);
    }
  }

  /** Draws the final state and ends the line. */
  public void finish(long done) {
    draw(done, nanoClock.getAsLong());
    if (interactive) {
      out.println();
    }
    out.flush();
  }

  /** The text of the bar for {@code done} items after {@code elapsedNanos} (no line terminator). */
  public String render(long done, long elapsedNanos) {
    double seconds = Math.max(elapsedNanos, 1) / 1e9;
    long rate = Math.round(done / seconds);
    if (total == 0) {
      return String.format(Locale.ROOT, "%,d done  %,d rec/s", done, rate);
    }
    double fraction = Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    return String.format(Locale.ROOT, "[%s%s] %,d/%,d %3d%%  %,d rec/s",
        "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, Math.round(fraction * 100), rate);
  }

  private void draw(long done, long now) {
    String text = render(done, now - startNanos);
    if (interactive) {
      out.print('\r');
      out.print(text);
    } else {
      out.println(text);
    }
    out.flush();
  }
}
