package io.tandem.streams.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RatePacerTest {

  private final AtomicLong clock = new AtomicLong(1_000);

  @Test
  void shouldMakeItemNDueNOverRateSecondsAfterStart() {
    RatePacer pacer = new RatePacer(100, clock::get);

    // item 50 at 100/s is due 0.5 s after start; 0.2 s have passed
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));

    assertThat(pacer.nanosUntil(50)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    assertThat(pacer.nanosUntil(10)).isZero();
  }

  @Test
  void shouldNeverWaitWithoutALimit() {
    RatePacer pacer = new RatePacer(0, clock::get);

    assertThat(pacer.nanosUntil(1_000_000)).isZero();
  }

  @Test
  void shouldRejectNegativeOrNonFiniteRates() {
    assertThatThrownBy(() -> new RatePacer(-1, clock::get))
        .hasMessage("rate: must be a finite number >= 0 per second, got -1.0");
    assertThatThrownBy(() -> new RatePacer(Double.NaN, clock::get))
        .hasMessage("rate: must be a finite number >= 0 per second, got NaN");
  }
}
