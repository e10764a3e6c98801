package io.tandem.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's first command, in process: broker, topics, learner and generator, then a clean
 * exit. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoCommandIT {

  @Test
  void shouldRunUntilTheRequestedEventsAreConsumedPrintATableAndExitCleanly() {
    // When
    long start = System.nanoTime();
    CliRun run = CliRun.of("demo", "--events", "2000", "--rate", "0", "--interval", "1",
        "--ctr-events", "3000", "--preference-events", "1000");
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("demo --events 2000 took %.1f s%n%s%n", seconds, run.out());

    // Then
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Kafka broker ready on 127.0.0.1:")
        .contains(" elapsed  events/s   consumed  invalid  predictions    model")
        .containsPattern("(?m)^  ctr +[0-9,]+ +[0-9,]+ ")
        .containsPattern("(?m)^  preference +[0-9,]+ +[0-9,]+ ")
        .containsPattern("Consumed 2,[0-9]{3} events \\(0 invalid\\)")
        .contains("Demo stopped; temporary data deleted.");
  }
}
