package io.tandem.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Golden test of the topology's description: node, store and internal-topic names are part of a
 * running application's state (changelog and repartition topics are named after them), so a
 * rename must be deliberate. Regenerate the golden file only on purpose, with
 * {@code -Dtandem.golden.update=true}, and review the diff.
 */
class TandemTopologyDescriptionTest {

  private static final Path GOLDEN =
      Path.of("src/test/resources/io/tandem/streams/topology/topology-description.txt");

  @Test
  void shouldDescribeTheSameNodesStoresAndTopicsAsTheGoldenFile() throws IOException {
    // Given
    String description = TandemTopology.build(TandemTopologyTest.testConfig(), new LiveModels(1),
        new SimpleMeterRegistry()).describe().toString();

    // When: regenerating on explicit request only
    if (Boolean.getBoolean("tandem.golden.update")) {
      Files.writeString(GOLDEN, description, StandardCharsets.UTF_8);
    }

    // Then
    assertThat(GOLDEN).exists();
    assertThat(description).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    assertThat(description).contains(ModelStores.ROWS_STORE, ModelStores.DENSE_STORE,
        ModelStores.LOG_STORE,
        "events-by-user-repartition",
        "requests-by-user-repartition");
  }
}
