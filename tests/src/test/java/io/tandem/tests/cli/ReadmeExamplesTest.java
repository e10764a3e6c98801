package io.tandem.tests.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.schemas.Codecs;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.TaskCatalog;
import io.tandem.streams.config.ConfigReference;
import io.tandem.streams.config.TandemConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps the README honest: its JSON examples pass the schemas, its config example loads, its
 * reference is current. */
class ReadmeExamplesTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Pattern BLOCK = Pattern.compile("```(json|properties)\\n(.*?)```", Pattern.DOTALL);

  private static List<String> blocks(String language) throws IOException {
    String text = Files.readString(README, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(language)) {
        out.add(m.group(2).strip());
      }
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldShowAnEventARequestAPredictionAndATransferUpdateThatTheSchemasAccept()
      throws IOException {
    TaskCatalog tasks = TandemConfig.defaults().tasks();
    List<String> json = blocks("json");

    assertThat(json).hasSize(4);
    assertThat(Codecs.transferUpdates().decode(utf8(json.get(3))))
        .isInstanceOf(Decoded.Valid.class);
    assertThat(Codecs.labelledEvents(tasks).decode(utf8(json.get(0)))).isInstanceOf(Decoded.Valid.class);
    assertThat(Codecs.requests(tasks).decode(utf8(json.get(1)))).isInstanceOf(Decoded.Valid.class);
    assertThat(Codecs.predictions().decode(utf8(json.get(2)))).isInstanceOf(Decoded.Valid.class);
  }

  @Test
  void shouldShowAConfigurationFileThatLoads() throws IOException {
    Path file = Files.createTempFile("readme-", ".properties");
    try {
      Files.writeString(file, blocks("properties").get(0));

      TandemConfig config = TandemConfig.load(file, Map.of(), Map.of());

      assertThat(config.tasks().names()).containsExactly("ctr", "preference", "purchase");
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void shouldContainTheCurrentConfigurationReference() throws IOException {
    assertThat(Files.readString(README, StandardCharsets.UTF_8)).contains(ConfigReference.markdownTable());
  }
}
