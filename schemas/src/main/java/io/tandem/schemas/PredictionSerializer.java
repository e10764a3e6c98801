package io.tandem.schemas;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes predictions in the contract's JSON (the predictions topic, {@code tandem learn}'s
 * predictions file): the same bytes as the contract's codec
 * ({@link Codecs#predictions()}{@code .encode}), written field by field with Jackson's streaming
 * generator into a per-thread reused buffer instead of through a JSON tree.
 *
 * <p>Why: the codec builds an {@code ObjectNode} (and a map for the scores) per prediction and
 * serialises it through the data-binding layer; serialising predictions that way was 4-5% of the
 * stream thread in a profile of {@code TopologyThroughput}, and it is the offline replay's
 * writing thread too. The generator is the same one the
 * codec's mapper uses underneath (default write features), so strings are escaped and numbers
 * formatted identically; {@code PredictionSerializerTest} compares the bytes with the codec's on
 * random predictions.
 *
 * <p>Field order: {@code id, source, user, item, scores} (in the prediction's task order),
 * {@code model_version, ts}. A null prediction is written as null (a tombstone).
 *
 * <p>Thread-safe: Kafka Streams shares one serializer between its stream threads; each thread
 * has its own buffer.
 */
public final class PredictionSerializer implements Serializer<Prediction> {

  private static final JsonFactory JSON = new JsonFactory();
  private static final int INITIAL_BYTES = 512;

  private final ThreadLocal<ByteArrayOutputStream> buffers =
      ThreadLocal.withInitial(() -> new ByteArrayOutputStream(INITIAL_BYTES));

  /** The prediction's JSON, a new array (null for a null prediction); {@code topic} is unused. */
  @Override
  public byte[] serialize(String topic, Prediction prediction) {
    if (prediction == null) {
      return null;
    }
    ByteArrayOutputStream out = buffers.get();
    out.reset();
    try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      g.writeName("id");
      g.writeString(prediction.id());
      g.writeName("source");
      g.writeString(prediction.source().json());
      g.writeName("user");
      g.writeString(prediction.user());
      g.writeName("item");
      g.writeString(prediction.item());
      g.writeName("scores");
      g.writeStartObject();
      for (Map.Entry<String, Double> score : prediction.scores().entrySet()) {
        g.writeName(score.getKey());
        g.writeNumber(score.getValue().doubleValue());
      }
      g.writeEndObject();
      g.writeName("model_version");
      g.writeNumber(prediction.modelVersion());
      g.writeName("ts");
      g.writeNumber(prediction.ts());
      g.writeEndObject();
    }
    return out.toByteArray();
  }
}
