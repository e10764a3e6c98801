package io.tandem.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Headers of a record on {@code tandem.dead-letter}: the original bytes are kept untouched and these headers
 * (UTF-8 strings; numbers in decimal) say why and where from. Stateless, thread-safe.
 */
public final class DeadLetterHeaders {
  /** The {@link RejectionReason#code()}. */
  public static final String REASON = "tandem.dlq.reason";
  /** The {@link Rejection#message()}. */
  public static final String MESSAGE = "tandem.dlq.message";
  /** Source topic. */
  public static final String TOPIC = "tandem.dlq.topic";
  /** Source partition, decimal. */
  public static final String PARTITION = "tandem.dlq.partition";
  /** Source offset, decimal. */
  public static final String OFFSET = "tandem.dlq.offset";
  /** Time of rejection, epoch milliseconds, decimal. */
  public static final String TIME = "tandem.dlq.time";

  private DeadLetterHeaders() {
  }

  /** @return new headers describing the rejection and the source record */
  public static Headers toHeaders(Rejection rejection, String topic, int partition, long offset, long timeMs) {
    Headers headers = new RecordHeaders();
    addTo(headers, rejection, topic, partition, offset, timeMs);
    return headers;
  }

  /** Adds (replacing any existing) dead-letter headers to {@code headers}, e.g. a Kafka Streams record's. */
  public static void addTo(Headers headers, Rejection rejection, String topic, int partition, long offset,
               long timeMs) {
    put(headers, REASON, rejection.reason().code());
    put(headers, MESSAGE, rejection.message());
    put(headers, TOPIC, topic);
    put(headers, PARTITION, Integer.toString(partition));
    put(headers, OFFSET, Long.toString(offset));
    put(headers, TIME, Long.toString(timeMs));
  }

  /**
   * @return the rejection described by the headers
   * @throws IllegalArgumentException when the reason header is missing or unknown
   */
  public static Rejection rejection(Headers headers) {
    String code = string(headers, REASON)
        .orElseThrow(() -> new IllegalArgumentException(REASON + ": header missing"));
    return new Rejection(RejectionReason.fromCode(code), string(headers, MESSAGE).orElse(""));
  }

  /** @return the last value of header {@code name} decoded as UTF-8, if present */
  public static Optional<String> string(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? Optional.empty()
        : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
  }

  /** @return the source topic, if present */
  public static Optional<String> topic(Headers headers) {
    return string(headers, TOPIC);
  }

  /** @return the source partition, if present */
  public static Optional<Integer> partition(Headers headers) {
    return string(headers, PARTITION).map(Integer::valueOf);
  }

  /** @return the source offset, if present */
  public static Optional<Long> offset(Headers headers) {
    return string(headers, OFFSET).map(Long::valueOf);
  }

  /** @return the rejection time in epoch ms, if present */
  public static Optional<Long> time(Headers headers) {
    return string(headers, TIME).map(Long::valueOf);
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
