package io.tandem.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PredictionSerializerTest {

  private static final JsonCodec<Prediction> CODEC = Codecs.predictions();
  // Characters JSON must escape, characters it must not, multi-byte UTF-8 and a surrogate pair.
  private static final String[] PIECES = {"u", "42", "\"", "\\", "/", "\n", "\t", "\u0001",
      "\u001f", "\u007f", "é", "€", "\uD83D\uDE00", " ", "<", "'"};

  private final PredictionSerializer serializer = new PredictionSerializer();

  @Test
  void shouldWriteTheCodecsBytesForRandomPredictions() {
    // Given 5,000 predictions with awkward strings and doubles of every magnitude
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 5_000; i++) {
      Prediction p = randomPrediction(random);

      // When written by both
      byte[] ours = serializer.serialize("predictions", p);

      // Then the bytes are exactly the codec's
      assertThat(ours).as("prediction %s", p).isEqualTo(CODEC.encode(p));
    }
  }

  @Test
  void shouldNotShareBytesBetweenCallsThatReuseTheBuffer() {
    // Given two predictions serialised one after the other on the same thread
    Prediction first = prediction("e-1", Map.of("ctr", 0.25));
    Prediction second = prediction("e-22222", Map.of("ctr", 0.5));
    byte[] a = serializer.serialize("t", first);

    // When the second reuses the buffer
    byte[] b = serializer.serialize("t", second);

    // Then the first array still holds the first prediction
    assertThat(a).isEqualTo(CODEC.encode(first));
    assertThat(b).isEqualTo(CODEC.encode(second));
  }

  @Test
  void shouldWriteNullForANullPrediction() {
    assertThat(serializer.serialize("t", null)).isNull();
  }

  private static Prediction prediction(String id, Map<String, Double> scores) {
    return new Prediction(id, PredictionSource.EVENT, "u1", "i1", scores, 3, 1_764_300_000_000L);
  }

  private static Prediction randomPrediction(SplittableRandom random) {
    Map<String, Double> scores = new LinkedHashMap<>();
    int tasks = 1 + random.nextInt(4);
    for (int t = 0; t < tasks; t++) {
      scores.put(randomString(random) + t, randomDouble(random));
    }
    return new Prediction(randomString(random),
        random.nextBoolean() ? PredictionSource.EVENT : PredictionSource.REQUEST,
        randomString(random), randomString(random), scores, random.nextLong(0, Long.MAX_VALUE),
        random.nextLong(0, Long.MAX_VALUE));
  }

  private static String randomString(SplittableRandom random) {
    StringBuilder s = new StringBuilder();
    int pieces = 1 + random.nextInt(6);
    for (int i = 0; i < pieces; i++) {
      s.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  private static double randomDouble(SplittableRandom random) {
    switch (random.nextInt(5)) {
      case 0:
        return random.nextDouble();
      case 1:
        return random.nextInt(-5, 6);
      case 2:
        return random.nextBoolean() ? 0.0 : -0.0;
      case 3:
        return random.nextDouble() * Math.pow(10, random.nextInt(-30, 30));
      default:
        double d;
        do {
          d = Double.longBitsToDouble(random.nextLong());
        } while (!Double.isFinite(d));
        return d;
    }
  }
}
