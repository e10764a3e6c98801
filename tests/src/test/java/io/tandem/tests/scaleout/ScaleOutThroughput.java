package io.tandem.tests.scaleout;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.streams.app.TandemApp;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.tests.support.SharedKafka;
import io.tandem.tests.support.TandemRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A manual scale-out measurement on the embedded broker, all in one JVM on this machine (not
 * part of the test suite): N generated events (default 60,000; 1,000 users x 500 items) over 4
 * partitions, the default model (MMoE, dim 32, 4 experts x 64, towers 32), batches of 32,
 * {@code at_least_once}, through (1) one instance without sync, (2) one instance with sync every
 * second, (3) two instances with sync every second, each with a fresh application id: one
 * unmeasured warm-up run, then three rounds of the three, interleaved, since this machine's
 * speed drifts between runs. The events are produced only once every instance is RUNNING with
 * its stream tasks; each rate is events / (first produce to last prediction read). Also prints
 * the sync overhead from the meters: time per publish and per mix on the stream thread, and
 * bytes per sync record.
 *
 * <p>Both instances share the same 2 cores as the broker, the producer and the reader, so a
 * second instance can only show what coordination costs, not added capacity.
 *
 * <p>Run: {@code java -cp <tests test classpath> io.tandem.tests.scaleout.ScaleOutThroughput
 * [events]} with {@code OMP_NUM_THREADS=1} (see {@code tests/bench.sh} for the classpath).
 */
public final class ScaleOutThroughput {

  private ScaleOutThroughput() {}

  /** Runs the measurement; the optional argument is the number of events. */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
    GeneratorConfig generator = GeneratorConfig.defaults().withSeed(3L)
        .withPopulation(1_000, 500).withEvents(n * 3L / 4, n - n * 3L / 4);
    List<GeneratedEvent> stream = StreamGenerator.stream(generator).toList();
    Map<String, String> off = Map.of("sync.interval.ms", "0", "model.embedding.dim", "32",
        "model.experts", "4", "model.expert.size", "64", "model.tower.size", "32");
    Map<String, String> on = new HashMap<>(off);
    on.put("sync.interval.ms", "1000");
    run("warm-up", stream, 1, on);
    List<String> rows = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      rows.add(run("1 instance, sync off", stream, 1, off));
      rows.add(run("1 instance, sync 1 s", stream, 1, on));
      rows.add(run("2 instances, sync 1 s", stream, 2, on));
    }
    rows.forEach(System.out::println);
    System.exit(0);
  }

  private static String run(String name, List<GeneratedEvent> stream, int instances,
      Map<String, String> sync) throws Exception {
    ScaleOut scaleOut = new ScaleOut("bench-scale");
    List<TandemApp> apps = new ArrayList<>();
    List<SimpleMeterRegistry> meters = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        Path state = Files.createTempDirectory("tandem-scale-bench");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        meters.add(registry);
        apps.add(TandemRun.start(scaleOut.config(state, sync), registry));
      }
      ScaleOut.awaitAllTasks(apps);
      long start = System.nanoTime();
      SharedKafka.produce(scaleOut.run.events, ScaleOut.records(stream));
      SharedKafka.consume(scaleOut.run.predictions, stream.size(),
          Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - start) / 1e9;
      Thread.sleep(1_500);
      return String.format(Locale.ROOT, "| %-22s | %,7d events in %5.1f s | %,8.0f events/s |"
          + " %s |", name, stream.size(), seconds, stream.size() / seconds, syncStats(meters));
    } finally {
      for (TandemApp app : apps) {
        app.close();
      }
    }
  }

  private static String syncStats(List<SimpleMeterRegistry> meters) {
    long publishes = 0;
    long mixes = 0;
    double publishMs = 0;
    double mixMs = 0;
    double bytes = 0;
    for (SimpleMeterRegistry m : meters) {
      Timer publish = m.find(TandemMeters.SYNC_TIME).tag(TandemMeters.TAG_STEP, "publish").timer();
      Timer mix = m.find(TandemMeters.SYNC_TIME).tag(TandemMeters.TAG_STEP, "mix").timer();
      if (publish == null || mix == null) {
        return "no sync";
      }
      publishes += publish.count();
      mixes += mix.count();
      publishMs += publish.totalTime(TimeUnit.MILLISECONDS);
      mixMs += mix.totalTime(TimeUnit.MILLISECONDS);
      HistogramSnapshot size =
          m.find(TandemMeters.SYNC_RECORD_SIZE).summary().takeSnapshot();
      bytes = Math.max(bytes, size.max());
    }
    return String.format(Locale.ROOT, "%d publishes, mean %.2f ms; %d mixes, mean %.2f ms;"
        + " %,.0f bytes per record", publishes, publishes == 0 ? 0 : publishMs / publishes,
        mixes, mixes == 0 ? 0 : mixMs / mixes, bytes);
  }
}
