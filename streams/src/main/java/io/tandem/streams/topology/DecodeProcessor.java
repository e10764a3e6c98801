package io.tandem.streams.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.schemas.DeadLetterHeaders;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.Rejection;
import io.tandem.streams.metrics.TandemMeters;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes raw input records with a validating codec.
 *
 * <p>A valid record goes on keyed by its user, wrapped as an {@link Inbound} that remembers whether
 * its Kafka key already was that user. An invalid one goes on as {@link Inbound.Rejected} with a
 * null key, its original key and value bytes untouched, and the dead-letter headers
 * ({@link DeadLetterHeaders}: reason, message, source topic, partition, offset, wall-clock time)
 * added to its own headers; {@code tandem.events.invalid{reason}} counts it. Nothing here throws
 * on input. The topology's codecs check task names and labels against the live
 * {@link io.tandem.streams.tasks.DynamicTaskCatalog}, so an event of a task declared at runtime is
 * rejected ({@code unknown_task}) until its declaration is applied and accepted from then on.
 *
 * @param <T> the decoded record type
 */
final class DecodeProcessor<T> extends ContextualProcessor<byte[], byte[], String, Inbound> {

  private final JsonCodec<T> codec;
  private final Function<T, String> userOf;
  private final BiFunction<T, Boolean, Inbound> wrap;
  private final MeterRegistry meters;

  /**
   * @param codec the validating codec of the input type
   * @param userOf the user of a decoded record
   * @param wrap wraps a decoded record, given whether it arrived keyed by its user
   * @param meters where {@code tandem.events.invalid} is counted
   */
  DecodeProcessor(JsonCodec<T> codec, Function<T, String> userOf,
      BiFunction<T, Boolean, Inbound> wrap, MeterRegistry meters) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.userOf = Objects.requireNonNull(userOf, "userOf");
    this.wrap = Objects.requireNonNull(wrap, "wrap");
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    byte[] value = record.value();
    Decoded<T> decoded = codec.decode(value == null ? new byte[0] : value);
    if (decoded instanceof Decoded.Valid<T> valid) {
      T t = valid.value();
      String user = userOf.apply(t);
      boolean keyed = record.key() != null
          && Arrays.equals(record.key(), user.getBytes(StandardCharsets.UTF_8));
      context().forward(record.withKey(user).withValue(wrap.apply(t, keyed)));
      return;
    }
    Rejection rejection = ((Decoded.Invalid<T>) decoded).rejection();
    RecordMetadata source = context().recordMetadata().orElse(null);
    Headers headers = new RecordHeaders();
    for (Header h : record.headers()) {
      headers.add(h);
    }
    DeadLetterHeaders.addTo(headers, rejection,
        source == null ? "" : source.topic(),
        source == null ? -1 : source.partition(),
        source == null ? -1L : source.offset(),
        context().currentSystemTimeMs());
    TandemMeters.eventsInvalid(meters, rejection.reason().code()).increment();
    context().forward(new Record<String, Inbound>(null,
        new Inbound.Rejected(record.key(), value), record.timestamp(), headers));
  }
}
