package io.tandem.model.drift;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Test helpers: the reference streams in {@code resources/drift/} and detection traces. */
final class DriftStreams {

  private DriftStreams() {}

  /** Loads {@code /drift/<name>}: one number per line. */
  static double[] load(String name) {
    String resource = "/drift/" + name;
    try (InputStream in = DriftStreams.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      return reader.lines().map(String::strip).filter(line -> !line.isEmpty())
          .mapToDouble(Double::parseDouble).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The 0-based indices of {@code stream} after whose update the detector reported drift. */
  static List<Integer> detections(DriftDetector detector, double[] stream) {
    return indicesWhere(detector, stream, 0, DriftDetector::driftDetected);
  }

  /** The 0-based indices after whose update the detector reported a warning. */
  static List<Integer> warnings(DriftDetector detector, double[] stream) {
    return indicesWhere(detector, stream, 0, DriftDetector::warningDetected);
  }

  /** Feeds {@code stream[from..]}; returns the indices at which {@code flag} held. */
  static List<Integer> indicesWhere(
      DriftDetector detector, double[] stream, int from, Predicate<DriftDetector> flag) {
    List<Integer> indices = new ArrayList<>();
    for (int i = from; i < stream.length; i++) {
      detector.update(stream[i]);
      if (flag.test(detector)) {
        indices.add(i);
      }
    }
    return indices;
  }
}
