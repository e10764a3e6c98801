package io.tandem.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaFilesTest {
  @ParameterizedTest
  @ValueSource(strings = {"labelled-event", "prediction-request", "prediction", "transfer-update",
      "task-declaration"})
  void shouldBeValidAgainstTheDraft202012Metaschema(String name) throws IOException {
    // Given the bundled (offline) draft 2020-12 metaschema
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    Schema meta = registry.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
    String text;
    try (InputStream in = getClass().getResourceAsStream("/schemas/" + name + ".schema.json")) {
      assertThat(in).as(name).isNotNull();
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // When the schema file is validated, Then it has no errors
    List<Error> errors = meta.validate(text, InputFormat.JSON);
    assertThat(errors).as(name).isEmpty();
    assertThat(text).contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"");
  }
}
