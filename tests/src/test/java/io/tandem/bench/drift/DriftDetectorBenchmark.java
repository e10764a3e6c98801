package io.tandem.bench.drift;

import io.tandem.model.drift.Adwin;
import io.tandem.model.drift.Ddm;
import io.tandem.model.drift.DriftDetector;
import io.tandem.model.drift.PageHinkley;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one {@link DriftDetector#update(double)} followed by a read of
 * {@link DriftDetector#driftDetected()}, per detector with its reference parameters.
 *
 * <p>The input cycles through 2^16 seeded Bernoulli errors whose rate alternates between 0.2 and
 * 0.4 every 4,096 values, so the measured mix includes the periodic cut tests of ADWIN, the
 * detections and the restarts that follow them, as in production, not only the quiet path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DriftDetectorBenchmark {

  private static final int STREAM_LENGTH = 1 << 16;
  private static final int SEGMENT = 4_096;

  /** Which detector to measure, by its {@code name()}. */
  @Param({"adwin", "page-hinkley", "ddm"})
  public String detectorName;

  private DriftDetector detector;
  private double[] stream;
  private int position;

  /** Builds the detector and the input stream. */
  @Setup
  public void setUp() {
    detector = switch (detectorName) {
      case Adwin.NAME -> new Adwin();
      case PageHinkley.NAME -> new PageHinkley();
      case Ddm.NAME -> new Ddm();
      default -> throw new IllegalArgumentException(
          "detectorName: must be adwin, page-hinkley or ddm, got '" + detectorName + "'");
    };
    SplittableRandom random = new SplittableRandom(20_261_129L);
    stream = new double[STREAM_LENGTH];
    for (int i = 0; i < STREAM_LENGTH; i++) {
      double rate = (i / SEGMENT) % 2 == 0 ? 0.2 : 0.4;
      stream[i] = random.nextDouble() < rate ? 1.0 : 0.0;
    }
    position = 0;
  }

  /** One update and a read of the drift flag. */
  @Benchmark
  public boolean update() {
    detector.update(stream[position]);
    position = (position + 1) & (STREAM_LENGTH - 1);
    return detector.driftDetected();
  }
}
