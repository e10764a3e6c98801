package io.tandem.streams.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private final AtomicLong clock = new AtomicLong();
  private final StringWriter text = new StringWriter();

  @Test
  void shouldRenderBarCountsPercentAndRate() {
    ProgressBar bar = new ProgressBar(new PrintWriter(text), 100_000, false, clock::get);

    // 45,000 of 100,000 after 2 s: 45 % = 13.5 of 30 cells rounds to 14, rate 22,500/s
    String line = bar.render(45_000, TimeUnit.SECONDS.toNanos(2));

    assertThat(line).isEqualTo("[" + "#".repeat(14) + ".".repeat(16) + "] 45,000/100,000  45%  22,500 rec/s");
  }

  @Test
  void shouldRenderOnlyCountsAndRateWhenTheTotalIsUnknown() {
    ProgressBar bar = new ProgressBar(new PrintWriter(text), 0, false, clock::get);

    assertThat(bar.render(10, TimeUnit.SECONDS.toNanos(1))).isEqualTo("10 done  10 rec/s");
  }

  @Test
  void shouldPrintAtMostOneLinePerIntervalWhenNotOnATerminal() {
    ProgressBar bar = new ProgressBar(new PrintWriter(text), 10, false, clock::get);

    clock.set(TimeUnit.MILLISECONDS.toNanos(500));
    bar.update(1);
    clock.set(ProgressBar.NON_INTERACTIVE_INTERVAL.toNanos());
    bar.update(5);
    clock.set(ProgressBar.NON_INTERACTIVE_INTERVAL.toNanos() + 1);
    bar.update(6);
    bar.finish(10);

    assertThat(text.toString().lines()).hasSize(2);
    assertThat(text.toString().lines().toList().get(0)).contains(" 5/10 ");
    assertThat(text.toString().lines().toList().get(1)).contains(" 10/10 100%");
  }

  @Test
  void shouldRedrawInPlaceOnATerminal() {
    ProgressBar bar = new ProgressBar(new PrintWriter(text), 10, true, clock::get);

    clock.set(ProgressBar.REDRAW_INTERVAL.toNanos());
    bar.update(3);
    bar.finish(10);

    assertThat(text.toString()).startsWith("\r[").contains("\r[").endsWith(System.lineSeparator());
    assertThat(text.toString().chars().filter(c -> c == '\r').count()).isEqualTo(2);
  }
}
