package io.tandem.streams.app;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tandem's production exception handler (Kafka Streams' {@code production.exception.handler}):
 * an output record for a user-facing topic (dead letter, predictions) that the broker refuses as
 * too large, or that cannot be serialized, is logged (topic, source topic/partition/offset,
 * reason) and skipped, so one bad record cannot stop a stream thread. A failed write to an
 * internal topic (a store's changelog, a repartition topic) is never skipped: skipping it would
 * silently lose model state or input, so it fails as by default (Kafka Streams then replaces the
 * thread, and under {@code exactly_once_v2} the transaction aborts).
 *
 * <p>Which records can be too large: a dead-letter record carries its original bytes, which the
 * broker accepted on the input topic but the dead-letter topic might refuse if its
 * {@code max.message.bytes} is smaller. Stateless and thread-safe.
 */
public final class ResumeOnOversizeHandler implements ProductionExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ResumeOnOversizeHandler.class);

  /** Instantiated by Kafka Streams from the class name. */
  public ResumeOnOversizeHandler() {}

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
      Exception exception) {
    if (exception instanceof RecordTooLargeException && !isInternal(record.topic())) {
      LOG.warn("skipped an output record to {} that the broker refused as too large (from {}-{}"
          + " offset {}): {}", record.topic(), context.topic(), context.partition(),
          context.offset(), exception.getMessage());
      return Response.resume();
    }
    return Response.fail();
  }

  @Override
  public Response handleSerializationError(ErrorHandlerContext context,
      @SuppressWarnings("rawtypes") ProducerRecord record, Exception exception,
      SerializationExceptionOrigin origin) {
    if (isInternal(record.topic())) {
      return Response.fail();
    }
    LOG.warn("skipped an output record to {} that could not be serialized ({}, from {}-{} offset"
        + " {}): {}", record.topic(), origin, context.topic(), context.partition(),
        context.offset(), exception.getMessage());
    return Response.resume();
  }

  /** Whether {@code topic} is a Kafka Streams internal topic (changelog or repartition). */
  static boolean isInternal(String topic) {
    return topic != null && (topic.endsWith("-changelog") || topic.endsWith("-repartition"));
  }
}
