package io.tandem.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.topology.IncompatibleModelStateException;
import io.tandem.streams.topology.ModelStores;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.internals.DefaultErrorHandlerContext;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class TandemAppTest {

  @Test
  void shouldInstallTandemsExceptionHandlersAndKeepTandemsKafkaDefaults() {
    Properties props = TandemApp.streamsProperties(TandemConfig.defaults());

    assertThat(props.getProperty(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(LogAndContinueExceptionHandler.class.getName());
    assertThat(props.getProperty(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(ResumeOnOversizeHandler.class.getName());
    assertThat(props.getProperty(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo("5");
    assertThat(props).doesNotContainKey("group.instance.id");
  }

  @Test
  void shouldLetTheUserOverrideAHandler() {
    TandemConfig config = TandemConfig.defaults().with(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailExceptionHandler.class.getName());

    assertThat(TandemApp.streamsProperties(config).getProperty(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
        .isEqualTo(LogAndFailExceptionHandler.class.getName());
  }

  @Test
  void shouldStopOnIncompatibleStoredStateAndReplaceTheThreadOtherwise() {
    StreamsException wrapped = new StreamsException(
        new IncompatibleModelStateException("dense blob: another configuration", null));

    assertThat(TandemApp.onStreamThreadFailure(wrapped))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    assertThat(TandemApp.onStreamThreadFailure(new StreamsException("broker went away")))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
  }

  @Test
  void shouldStopWhenTheBrokerRefusesTheCredentialsOrPermissions() {
    StreamsException badPassword = new StreamsException(
        new SaslAuthenticationException("Authentication failed: Invalid username or password"));
    StreamsException noAcl = new StreamsException(
        new TopicAuthorizationException("Not authorized to access topics: [tandem.events]"));

    assertThat(TandemApp.onStreamThreadFailure(badPassword))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    assertThat(TandemApp.onStreamThreadFailure(noAcl))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }

  @Test
  void shouldRaiseTheProducerRequestLimitAboveTheLargestDenseRecord() {
    Properties props = TandemApp.streamsProperties(TandemConfig.defaults());

    assertThat(Integer.parseInt(props.getProperty(StreamsConfig.producerPrefix(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG)))).isGreaterThan(ModelStores.MAX_DENSE_BYTES);
    assertThat(props.getProperty(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG))
        .isEqualTo(String.valueOf(TandemApp.DEFAULT_CACHE_BYTES));
  }

  @Test
  @SuppressWarnings("deprecation") // checks the deprecated key TandemApp sets (see there)
  void shouldNotIdleForEmptyInputPartitionsUnlessConfigured() {
    // Given the defaults, and a configuration that sets the key
    Properties defaults = TandemApp.streamsProperties(TandemConfig.defaults());
    Properties configured = TandemApp.streamsProperties(
        TandemConfig.defaults().with(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "250"));

    // Then Tandem's default applies only where the user did not choose
    assertThat(defaults.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
    assertThat(configured.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("250");
    assertThat(defaults.getProperty(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isEqualTo("true");
  }

  @Test
  void shouldSkipAnOversizeDeadLetterRecordButNeverAChangelogRecord() {
    ResumeOnOversizeHandler handler = new ResumeOnOversizeHandler();
    RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
    ErrorHandlerContext context = new DefaultErrorHandlerContext(null, "tandem.events", 0, 7L,
        new RecordHeaders(), "events-decode", new TaskId(0, 0), 1L, null, null);

    assertThat(handler.handleError(context,
        new ProducerRecord<>("tandem.dead-letter", new byte[1]), tooLarge).result())
        .isEqualTo(ProductionExceptionHandler.Result.RESUME);
    assertThat(handler.handleError(context,
        new ProducerRecord<>("app-tandem-model-dense-changelog", new byte[1]), tooLarge)
        .result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
    assertThat(handler.handleError(context,
        new ProducerRecord<>("app-events-by-user-repartition", new byte[1]), tooLarge)
        .result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
  }
}
