package io.tandem.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.tandem.model.TaskKind;
import io.tandem.model.transfer.CandidateInit;
import io.tandem.model.transfer.TransferConfig;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TandemConfigTest {

  private static final double EXACT = 0.0;

  @TempDir
  Path dir;

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("tandem.properties");
    Files.write(f, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    return f;
  }

  @Nested
  class Defaults {

    @Test
    void shouldDeclareCtrBinaryAndPreferenceRegressionOneToFive() {
      // When
      TandemConfig config = TandemConfig.defaults();

      // Then
      assertThat(config.taskSettings()).extracting(TaskSettings::name).containsExactly("ctr", "preference");
      TaskSettings ctr = config.taskSettings().get(0);
      TaskSettings preference = config.taskSettings().get(1);
      assertThat(ctr.spec().kind()).isEqualTo(TaskKind.BINARY);
      assertThat(preference.spec().kind()).isEqualTo(TaskKind.REGRESSION);
      assertThat(preference.spec().labelMin()).isCloseTo(1.0, offset(EXACT));
      assertThat(preference.spec().labelMax()).isCloseTo(5.0, offset(EXACT));
      assertThat(ctr.weight()).isEqualTo(1.0);
      assertThat(ctr.topic()).isEmpty();
    }

    @Test
    void shouldUseDocumentedTopicAndLearnerDefaults() {
      TandemConfig config = TandemConfig.defaults();

      Topics topics = config.topics();
      assertThat(topics.events()).isEqualTo("tandem.events");
      assertThat(topics.requests()).isEqualTo("tandem.requests");
      assertThat(topics.predictions()).isEqualTo("tandem.predictions");
      assertThat(topics.transferUpdates()).isEqualTo("tandem.transfer-updates");
      assertThat(topics.tasks()).isEqualTo("tandem.tasks");
      assertThat(topics.deadLetter()).isEqualTo("tandem.dead-letter");
      assertThat(topics.partitions()).isEqualTo(4);
      assertThat(topics.replicationFactor()).isEqualTo((short) 1);
      assertThat(config.batchSize()).isEqualTo(32);
      assertThat(config.batchLinger()).isEqualTo(Duration.ofMillis(50));
      assertThat(config.httpBind()).isEqualTo("127.0.0.1");
      assertThat(config.httpPort()).isEqualTo(8080);
      assertThat(config.maxRecordBytes()).isEqualTo(65_536);
    }

    @Test
    void shouldSetTandemKafkaDefaultsWithoutBootstrapServers() {
      Properties kafka = TandemConfig.defaults().kafkaProperties();

      assertThat(kafka.getProperty("application.id")).isEqualTo("tandem");
      assertThat(kafka.getProperty("processing.guarantee")).isEqualTo("at_least_once");
      assertThat(kafka.getProperty("producer.linger.ms")).isEqualTo("5");
      assertThat(kafka.getProperty("commit.interval.ms")).isEqualTo("1000");
      assertThat(kafka.getProperty("state.dir")).endsWith("tandem-state");
      assertThat(kafka).doesNotContainKey("bootstrap.servers");
    }
  }

  @Nested
  class Precedence {

    @Test
    void shouldLetFileOverrideDefaultsEnvironmentOverrideFileAndSetOverrideAll() throws IOException {
      // Given the same key at every level, and one key per level only
      Path f = file("learner.batch.size=10", "http.port=9001", "topics.partitions=2");
      Map<String, String> env = Map.of("TANDEM_LEARNER_BATCH_SIZE", "20", "TANDEM_HTTP_PORT", "9002");
      Map<String, String> sets = Map.of("learner.batch.size", "30");

      // When
      TandemConfig config = TandemConfig.load(f, env, sets);

      // Then
      assertThat(config.batchSize()).isEqualTo(30);
      assertThat(config.httpPort()).isEqualTo(9002);
      assertThat(config.topics().partitions()).isEqualTo(2);
      assertThat(config.batchLinger()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void shouldIgnoreEnvironmentVariablesWithoutTheTandemPrefix() {
      TandemConfig config = TandemConfig.load(null, Map.of("HTTP_PORT", "1", "PATH", "/bin"), Map.of());

      assertThat(config.httpPort()).isEqualTo(8080);
      assertThat(config.values()).doesNotContainKeys("http.port.x", "path");
    }

    @Test
    void shouldApplyWithAboveEverySource() throws IOException {
      TandemConfig config = TandemConfig.load(file("http.port=9001"), Map.of(), Map.of("http.port", "9002"));

      assertThat(config.with("http.port", "9003").httpPort()).isEqualTo(9003);
      assertThat(config.httpPort()).isEqualTo(9002);
    }

    @Test
    void shouldNameAMissingConfigurationFile() {
      Path missing = dir.resolve("nope.properties");

      assertThatThrownBy(() -> TandemConfig.load(missing, Map.of(), Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessage("configuration file " + missing + " does not exist");
    }
  }

  @Nested
  class EnvironmentMapping {

    @Test
    void shouldMapUnderscoresToDotsAndDoubleUnderscoresToDashes() {
      assertThat(TandemConfig.envNameToKey("TANDEM_TOPICS_DEAD__LETTER")).isEqualTo("topics.dead-letter");
      assertThat(TandemConfig.envNameToKey("TANDEM_TOPICS_REPLICATION__FACTOR"))
          .isEqualTo("topics.replication-factor");
      assertThat(TandemConfig.envNameToKey("TANDEM_PROCESSING_GUARANTEE")).isEqualTo("processing.guarantee");
    }

    @Test
    void shouldRoundTripKeysThroughEnvironmentNames() {
      for (String key : TandemConfigDef.def().names()) {
        assertThat(TandemConfig.envNameToKey(TandemConfig.keyToEnvName(key))).isEqualTo(key);
      }
    }

    @Test
    void shouldReadTaskSettingsAndKafkaKeysFromEnvironment() {
      TandemConfig config = TandemConfig.load(null,
          Map.of("TANDEM_TASK_CTR_WEIGHT", "0.5", "TANDEM_SECURITY_PROTOCOL", "SASL_SSL"), Map.of());

      assertThat(config.taskSettings().get(0).weight()).isEqualTo(0.5);
      assertThat(config.kafkaProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
    }
  }

  @Nested
  class PassThrough {

    @Test
    void shouldPassKafkaKeysUntouchedAndKeepTandemKeysOut() throws IOException {
      // Given Kafka keys (including prefixed client keys) and Tandem keys in one file
      Path f = file("bootstrap.servers=broker-1:9093,broker-2:9093", "processing.guarantee=exactly_once_v2",
          "security.protocol=SASL_SSL", "sasl.mechanism=PLAIN", "ssl.truststore.location=/etc/ts.jks",
          "consumer.max.poll.records=123", "application.id=my-app", "topics.events=in", "model.seed=7");

      // When
      Properties kafka = TandemConfig.load(f, Map.of(), Map.of()).kafkaProperties();

      // Then
      assertThat(kafka.getProperty("bootstrap.servers")).isEqualTo("broker-1:9093,broker-2:9093");
      assertThat(kafka.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
      assertThat(kafka.getProperty("security.protocol")).isEqualTo("SASL_SSL");
      assertThat(kafka.getProperty("sasl.mechanism")).isEqualTo("PLAIN");
      assertThat(kafka.getProperty("ssl.truststore.location")).isEqualTo("/etc/ts.jks");
      assertThat(kafka.getProperty("consumer.max.poll.records")).isEqualTo("123");
      assertThat(kafka.getProperty("application.id")).isEqualTo("my-app");
      assertThat(kafka).doesNotContainKeys("topics.events", "model.seed", "tasks", "task.ctr.type");
    }

    @Test
    void shouldExposeModelKeysWithoutPrefix() {
      TandemConfig config = TandemConfig.load(null, Map.of(),
          Map.of("model.embedding.dim", "16", "model.optimizer", "adam"));

      assertThat(config.withPrefix("model.")).containsExactlyInAnyOrderEntriesOf(
          Map.of("embedding.dim", "16", "optimizer", "adam"));
    }

    @Test
    void shouldRejectAnInvalidKafkaStreamsValueAtLoad() {
      assertThatThrownBy(() -> TandemConfig.load(null, Map.of(), Map.of("processing.guarantee", "sometimes")))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("Invalid value sometimes for configuration processing.guarantee:");
    }

    @Test
    void shouldMaskSecretsWhenPrinted() {
      TandemConfig config = TandemConfig.load(null, Map.of(),
          Map.of("sasl.jaas.config", "user=x password=y", "ssl.key.password", "k"));

      assertThat(config.toString()).contains("sasl.jaas.config=[hidden]", "ssl.key.password=[hidden]")
          .doesNotContain("password=y");
    }
  }

  @Nested
  class Validation {

    private void assertRejected(Map<String, String> sets, String message) {
      assertThatThrownBy(() -> TandemConfig.load(null, Map.of(), sets))
          .isInstanceOf(ConfigException.class)
          .hasMessage(message);
    }

    @Test
    void shouldRequireATypeForEveryDeclaredTask() {
      assertRejected(Map.of("tasks", "ctr,rating"),
          "Missing required configuration \"task.rating.type\" which has no default value.");
    }

    @Test
    void shouldRejectAnUnknownTaskType() {
      assertRejected(Map.of("task.ctr.type", "ordinal"),
          "Invalid value ordinal for configuration task.ctr.type: String must be one of: binary, regression");
    }

    @Test
    void shouldRequireMinAndMaxForARegression() {
      assertRejected(Map.of("tasks", "rating", "task.rating.type", "regression", "task.rating.max", "5"),
          "Invalid value null for configuration task.rating.min: required for a regression task");
      assertRejected(Map.of("tasks", "rating", "task.rating.type", "regression", "task.rating.min", "1"),
          "Invalid value null for configuration task.rating.max: required for a regression task");
    }

    @Test
    void shouldRequireMinBelowMax() {
      assertRejected(Map.of("task.preference.min", "5", "task.preference.max", "5"),
          "Invalid value 5 for configuration task.preference.max: must be greater than task.preference.min (5)");
    }

    @Test
    void shouldRejectARangeOnABinaryTask() {
      assertRejected(Map.of("task.ctr.min", "0"),
          "Invalid value 0 for configuration task.ctr.min: only a regression task has a label range; binary "
              + "labels are 0 or 1");
    }

    @Test
    void shouldRejectNonFiniteBounds() {
      assertRejected(Map.of("task.preference.max", "Infinity"),
          "Invalid value Infinity for configuration task.preference.max: must be a finite number");
    }

    @Test
    void shouldRejectZeroNegativeOrNonFiniteWeights() {
      assertRejected(Map.of("task.ctr.weight", "-0.5"),
          "Invalid value -0.5 for configuration task.ctr.weight: must be a finite number > 0");
      assertRejected(Map.of("task.ctr.weight", "0"),
          "Invalid value 0.0 for configuration task.ctr.weight: must be a finite number > 0");
      assertRejected(Map.of("task.ctr.weight", "NaN"),
          "Invalid value NaN for configuration task.ctr.weight: must be a finite number > 0");
    }

    @Test
    void shouldExposeTasksAsASchemasCatalog() {
      TandemConfig config = TandemConfig.load(null, Map.of(), Map.of("task.ctr.weight", "2.5"));

      TaskCatalog catalog = config.tasks();
      assertThat(catalog.names()).containsExactly("ctr", "preference");
      assertThat(catalog.find("ctr")).hasValue(TaskDeclaration.binary("ctr", 2.5));
      assertThat(catalog.find("preference")).hasValue(TaskDeclaration.regression("preference", 1, 5, 1.0));
      assertThat(catalog.accepts("preference", 5.0)).isTrue();
      assertThat(catalog.accepts("preference", 5.5)).isFalse();
    }

    @Test
    void shouldRejectSettingsOfAnUndeclaredTask() {
      assertRejected(Map.of("task.rating.weight", "2"),
          "Invalid value 2 for configuration task.rating.weight: task 'rating' is not declared in tasks "
              + "(ctr,preference)");
    }

    @Test
    void shouldRejectAnUnknownTaskSetting() {
      assertRejected(Map.of("task.ctr.colour", "red"),
          "Invalid value red for configuration task.ctr.colour: unknown task setting; expected "
              + "task.<name>.<setting> with <setting> one of [type, min, max, weight, topic]");
    }

    @Test
    void shouldRejectATypoUnderATandemPrefix() {
      assertRejected(Map.of("topics.event", "x"),
          "Invalid value x for configuration topics.event: unknown Tandem setting (see `tandem config --list`)");
    }

    @Test
    void shouldRejectBadTaskNamesEmptyListsAndDuplicates() {
      assertRejected(Map.of("tasks", "Ctr"),
          "Invalid value Ctr for configuration tasks: task name 'Ctr' must match [a-z][a-z0-9_-]{0,63}");
      assertRejected(Map.of("tasks", "ctr,ctr"),
          "Invalid value ctr,ctr for configuration tasks: task 'ctr' is declared twice");
      assertRejected(Map.of("tasks", ""),
          "Invalid value \"\" for configuration tasks: must declare at least one task");
    }

    @Test
    void shouldRejectOutOfRangeNumbersNamingKeyValueAndRule() {
      assertRejected(Map.of("topics.partitions", "0"),
          "Invalid value 0 for configuration topics.partitions: Value must be at least 1");
      assertRejected(Map.of("http.port", "70000"),
          "Invalid value 70000 for configuration http.port: Value must be no more than 65535");
      assertRejected(Map.of("learner.batch.size", "many"),
          "Invalid value many for configuration learner.batch.size: Not a number of type INT");
      assertRejected(Map.of("topics.events", " "),
          "Invalid value \"\" for configuration topics.events: must not be empty");
    }

    @Test
    void shouldDropDefaultTaskKeysOfTasksNoLongerDeclared() {
      TandemConfig config = TandemConfig.load(null, Map.of(), Map.of("tasks", "ctr"));

      assertThat(config.taskSettings()).extracting(TaskSettings::name).containsExactly("ctr");
      assertThat(config.values()).doesNotContainKey("task.preference.min");
    }

    @Test
    void shouldCollectPerTaskTopics() {
      TandemConfig config = TandemConfig.load(null, Map.of(), Map.of("task.preference.topic", "ratings"));

      assertThat(config.taskSettings().get(1).topic()).isEqualTo(Optional.of("ratings"));
      assertThat(config.topics().perTaskEventTopics()).containsExactlyEntriesOf(Map.of("preference", "ratings"));
      assertThat(config.topics().eventTopics()).containsExactly("tandem.events", "ratings");
      assertThat(config.topics().all()).startsWith("tandem.events", "ratings").hasSize(9).contains("tandem.model", "tandem.model-sync");
    }
  }

  @Test
  void shouldListEveryFixedAndPerTaskKeyInTheReference() {
    String table = ConfigReference.markdownTable();

    for (String key : TandemConfigDef.def().names()) {
      assertThat(table).contains("| `" + key + "` |");
    }
    for (String setting : TandemConfigDef.taskSettingNames()) {
      assertThat(table).contains("| `task.<name>." + setting + "` |");
    }
  }

  @Nested
  class TransferRecipe {

    @Test
    void shouldDefaultToTheModelsMeasuredRelearningBoostAndMapTheKeys() {
      TransferConfig defaults = TandemConfig.load(null, Map.of(), Map.of()).transfer();
      TransferConfig set = TandemConfig.load(null, Map.of(), Map.of(
          "transfer.relearn.embedding.boost", "5", "transfer.relearn.shared.boost", "2",
          "transfer.relearn.events", "1000")).transfer();

      assertThat(defaults).isEqualTo(TransferConfig.defaults());
      assertThat(set).isEqualTo(TransferConfig.defaults().withRelearning(5.0, 2.0, 1_000));
    }

    @Test
    void shouldMapTheCandidateRecipeAndTheResidualRate() {
      TransferConfig set = TandemConfig.load(null, Map.of(), Map.of(
          "transfer.candidate", "keep", "transfer.residual.rate", "0.05")).transfer();

      assertThat(TransferConfig.defaults().candidateInit()).isEqualTo(CandidateInit.RESIDUAL);
      assertThat(set).isEqualTo(TransferConfig.defaults().withCandidateInit(CandidateInit.KEEP)
          .withResidualLearningRate(0.05));
      assertThatThrownBy(() -> TandemConfig.load(null, Map.of(),
          Map.of("transfer.residual.rate", "11")))
          .isInstanceOf(ConfigException.class)
          .hasMessage("Invalid value 11.0 for configuration transfer.residual.rate:"
              + " Value must be no more than 10.0");
    }

    @Test
    void shouldRejectAnOutOfRangeRelearningBoostNamingKeyValueAndRule() {
      assertThatThrownBy(() -> TandemConfig.load(null, Map.of(),
          Map.of("transfer.relearn.shared.boost", "0.5")))
          .isInstanceOf(ConfigException.class)
          .hasMessage("Invalid value 0.5 for configuration transfer.relearn.shared.boost:"
              + " Value must be at least 1.0");
    }
  }
}
