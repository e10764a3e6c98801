package io.tandem.bench.model;

import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Training throughput of {@link MultiTaskModel#learn}, one trainer thread, in events per second:
 * the reference network (dim 32; MMoE 4 experts x 64, shared-bottom 64-64 or CGC 4 shared
 * experts x 64 plus 1 private expert per task; towers 32 with the wide input; two tasks, one
 * binary and one regression; Adagrad) at micro-batch sizes 1, 64 and 256.
 *
 * <p>Each invocation learns {@value #EVENTS} events, cut into micro-batches of the given size,
 * so the score (operations = events) is events per second whatever the batch size. The events
 * are pre-built (no allocation of inputs inside the measurement): 5,000 users and 2,000 items
 * drawn uniformly, each event labelled for one task, alternating. With {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the allocation per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class LearnBenchmark {

  /** Events learned per benchmark invocation. */
  static final int EVENTS = 1_024;

  /** Shared part: {@code MMOE}, {@code SHARED_BOTTOM} or {@code CGC}. */
  @Param({"MMOE", "SHARED_BOTTOM", "CGC"})
  public String architecture;

  /** Micro-batch size. */
  @Param({"1", "64", "256"})
  public int batchSize;

  private MultiTaskModel model;
  private List<List<List<LabelledExample>>> rounds;
  private int round;

  /** Builds the model, warms its tables with every id, and pre-builds the batches. */
  @Setup
  public void setUp() {
    model = LearnRounds.referenceModel(architecture);
    SplittableRandom random = new SplittableRandom(7);
    rounds = new ArrayList<>();
    for (int r = 0; r < 32; r++) {
      rounds.add(LearnRounds.round(random, EVENTS, batchSize));
    }
    for (List<List<LabelledExample>> batches : rounds) {
      for (List<LabelledExample> batch : batches) {
        model.learn(batch);
      }
    }
  }

  /** Learns {@value #EVENTS} events in micro-batches. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long learn() {
    List<List<LabelledExample>> batches = rounds.get(round);
    round = (round + 1) % rounds.size();
    for (List<LabelledExample> batch : batches) {
      model.learn(batch);
    }
    return model.version();
  }
}
