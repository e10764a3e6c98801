package io.tandem.bench.model;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;
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
 * The decision behind the model's dense math: one MMoE expert layer's forward pass
 * ({@code out = relu(x · W + b)}, a micro-batch of {@code batchSize} rows of 96 inputs — three
 * 32-wide embeddings — to 64 units) done by ND4J ({@code mmul} + {@code addiRowVector} + relu, into
 * preallocated arrays) versus plain Java loops over {@code float[]} (the layout the model uses).
 *
 * <p>Score: micro-batches per second (rows per second = score × batchSize). ND4J's per-operation cost (JNI, bookkeeping; FACTS.md: 5–9 µs)
 * dominates at small batches; BLAS gemm wins only when the batch is large enough to amortise it.
 * Run with {@code OMP_NUM_THREADS=1} (tests/bench.sh sets it) so ND4J uses one thread like a
 * trainer does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class DenseLayerBenchmark {

  static final int INPUTS = 96;
  static final int UNITS = 64;

  /** Rows per micro-batch. */
  @Param({"1", "64", "256"})
  public int batchSize;

  private float[] x;
  private float[] w;
  private float[] b;
  private float[] out;

  private INDArray xNd;
  private INDArray wNd;
  private INDArray bNd;
  private INDArray outNd;

  /** Seeded inputs and weights, identical for both implementations. */
  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    x = new float[batchSize * INPUTS];
    w = new float[INPUTS * UNITS];
    b = new float[UNITS];
    out = new float[batchSize * UNITS];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * 0.1);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (random.nextGaussian() * 0.1);
    }
    xNd = Nd4j.create(x, new long[] {batchSize, INPUTS}, 'c');
    wNd = Nd4j.create(w, new long[] {INPUTS, UNITS}, 'c');
    bNd = Nd4j.create(b, new long[] {1, UNITS}, 'c');
    outNd = Nd4j.create(DataType.FLOAT, batchSize, UNITS);
  }

  /** ND4J: gemm into a preallocated result, bias row added in place, relu in place. */
  @Benchmark
  public INDArray nd4j() {
    xNd.mmuli(wNd, outNd);
    outNd.addiRowVector(bNd);
    return Nd4j.getExecutioner().exec(
        new RectifiedLinear(outNd, outNd, 0.0));
  }

  /** Plain Java: row-major loops, the inner loop over units so it vectorises. */
  @Benchmark
  public float[] plainJava() {
    for (int r = 0; r < batchSize; r++) {
      int o = r * UNITS;
      System.arraycopy(b, 0, out, o, UNITS);
      int xi = r * INPUTS;
      for (int i = 0; i < INPUTS; i++) {
        float xv = x[xi + i];
        int wi = i * UNITS;
        for (int u = 0; u < UNITS; u++) {
          out[o + u] += xv * w[wi + u];
        }
      }
      for (int u = 0; u < UNITS; u++) {
        if (out[o + u] < 0f) {
          out[o + u] = 0f;
        }
      }
    }
    return out;
  }
}
