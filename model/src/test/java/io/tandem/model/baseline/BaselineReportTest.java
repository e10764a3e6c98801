package io.tandem.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.model.generator.GeneratorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BaselineReportTest {

  @Test
  void shouldReportGeneratorOracleAndBaselineOnASmallStream() {
    // Given a small stream of 60,000 events (windows of 50,000: one closes)
    GeneratorConfig config = GeneratorConfig.defaults().withPopulation(300, 100)
        .withEvents(30_000, 30_000);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    // When
    BaselineReport.run(config, BaselineConfig.defaults(), 8, 1_000,
        new PrintStream(bytes, true, StandardCharsets.UTF_8));

    // Then every section is printed with finite numbers
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertThat(report)
        .contains("generator: 60000 events")
        .contains("oracle (whole stream): click rate 0.")
        .contains("baseline (lr 0.02, batch 8): 60000 events")
        .contains("after warm-up of 1000 events:")
        .contains("window 0: 0.")
        .doesNotContain("NaN");
  }

  @Test
  void shouldRejectUnknownOrMalformedArguments() {
    assertThatThrownBy(() -> BaselineReport.main(new String[] {"speed=3"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("speed=3");
    assertThatThrownBy(() -> BaselineReport.main(new String[] {"lr=fast"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lr").hasMessageContaining("fast");
  }
}
