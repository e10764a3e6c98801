package io.tandem.bench.model;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares the training speed of several builds of the model module in one JVM: each build's
 * classes (a directory or jar, e.g. a copy of {@code model/target/classes} before a change and
 * the current one) are loaded by their own class loader, each drives the same seeded
 * {@link LearnRounds} workload, and the builds take turns, one round each, so that they share the
 * machine's load alike. The score is events per CPU-second of the training thread
 * ({@code ThreadMXBean}), which a busy shared machine disturbs far less than wall-clock rates;
 * the median of the second half of the rounds is reported, with a checksum of a prediction after
 * training (equal checksums: the builds computed bit-identical models).
 *
 * <p>Usage, from the repository root after {@code bash tests/bench.sh -l} (which builds the test
 * classes and writes {@code tests/target/bench.classpath}):
 *
 * <pre>
 * java -cp "tests/target/test-classes:$(cat tests/target/bench.classpath)" \
 *   io.tandem.bench.model.LearnCpuComparison MMOE 256 8192 16 false OLD_CLASSES model/target/classes
 * </pre>
 *
 * <p>Arguments: architecture ({@code MMOE}, {@code SHARED_BOTTOM}, {@code CGC}), micro-batch
 * size, events per round, rounds, whether each batch is predicted before it is learned (the
 * prequential step of {@code tandem learn}), then one or more model class locations.
 */
public final class LearnCpuComparison {

  private LearnCpuComparison() {}

  /**
   * Runs the comparison and prints one line per build.
   *
   * @param args see the class comment
   * @throws ReflectiveOperationException if a build lacks the model API the workload uses
   * @throws MalformedURLException if a location is not a valid path
   */
  public static void main(String[] args) throws ReflectiveOperationException,
      MalformedURLException {
    if (args.length < 6) {
      System.err.println("usage: LearnCpuComparison ARCHITECTURE BATCH EVENTS ROUNDS"
          + " PREQUENTIAL MODEL_CLASSES...");
      System.exit(2);
    }
    String architecture = args[0];
    int batchSize = Integer.parseInt(args[1]);
    int events = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    boolean prequential = Boolean.parseBoolean(args[4]);
    List<String> builds = Arrays.asList(args).subList(5, args.length);
    URL workload = LearnRounds.class.getProtectionDomain().getCodeSource().getLocation();

    List<Object> runs = new ArrayList<>();
    List<Method> rounders = new ArrayList<>();
    for (String build : builds) {
      URL model = Path.of(build).toUri().toURL();
      ClassLoader loader = new URLClassLoader(new URL[] {workload, model},
          ClassLoader.getPlatformClassLoader());
      Class<?> type = loader.loadClass(LearnRounds.class.getName());
      Constructor<?> constructor = type.getConstructor(String.class, int.class, int.class);
      runs.add(constructor.newInstance(architecture, batchSize, events));
      rounders.add(type.getMethod("cpuNanosOfNextRound", boolean.class));
    }
    double[][] rates = new double[builds.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int b = 0; b < builds.size(); b++) {
        long nanos = (Long) rounders.get(b).invoke(runs.get(b), prequential);
        rates[b][r] = events * 1e9 / nanos;
      }
    }
    for (int b = 0; b < builds.size(); b++) {
      double[] late = Arrays.copyOfRange(rates[b], rounds / 2, rounds);
      Arrays.sort(late);
      Object checksum = runs.get(b).getClass().getMethod("checksum").invoke(runs.get(b));
      System.out.printf(Locale.ROOT,
          "%s %s batch %d%s: median %.0f events per CPU-second (range %.0f-%.0f), checksum %s%n",
          new File(builds.get(b)).getPath(), architecture, batchSize,
          prequential ? " predict+learn" : "", late[late.length / 2], late[0],
          late[late.length - 1], checksum);
    }
  }
}
