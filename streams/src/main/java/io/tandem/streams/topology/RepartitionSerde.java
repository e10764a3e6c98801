package io.tandem.streams.topology;

import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.PredictionRequest;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serde of a repartition topic: a valid event (or request) as its contract JSON, so the
 * internal topic holds the same bytes a producer would write. Reading validates again; a record
 * that no longer validates (the task list changed between runs) fails deserialization, which the
 * configured deserialization handler logs and skips.
 */
final class RepartitionSerde {

  private RepartitionSerde() {}

  /** The serde of {@link Inbound.Event}s. */
  static Serde<Inbound> events(JsonCodec<LabelledEvent> codec) {
    return of(codec, v -> ((Inbound.Event) v).event(), e -> new Inbound.Event(e, true));
  }

  /** The serde of {@link Inbound.Request}s. */
  static Serde<Inbound> requests(JsonCodec<PredictionRequest> codec) {
    return of(codec, v -> ((Inbound.Request) v).request(), r -> new Inbound.Request(r, true));
  }

  private static <T> Serde<Inbound> of(JsonCodec<T> codec, Function<Inbound, T> unwrap,
      Function<T, Inbound> wrap) {
    Objects.requireNonNull(codec, "codec");
    Serializer<Inbound> serializer = (topic, value) ->
        value == null ? null : codec.encode(unwrap.apply(value));
    Deserializer<Inbound> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      Decoded<T> decoded = codec.decode(bytes);
      if (decoded instanceof Decoded.Valid<T> valid) {
        return wrap.apply(valid.value());
      }
      throw new SerializationException("repartition topic " + topic + ": record no longer valid: "
          + ((Decoded.Invalid<T>) decoded).rejection().message());
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
