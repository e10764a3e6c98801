package io.tandem.model.generator;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@link StreamGenerator} generates: immutable, validated on construction, seed included.
 * Start from {@link #defaults()} and change settings with the {@code withX} copies.
 *
 * @param seed seed of every random draw; equal configurations give identical streams
 * @param users number of users, 1..10,000,000 (ids {@code u0..u<users-1>}, {@code u0} the most
 *     popular)
 * @param items number of items, 1..10,000,000 (ids {@code i0..}, {@code i0} the most popular)
 * @param dim latent dimension, 4..1024 (4 is the least that leaves room for a re-drawn specific
 *     direction orthogonal to the shared one and both tasks' current ones)
 * @param rho task relatedness: cosine between the two task weight vectors, in [0, 1]
 * @param ctrEvents number of {@code ctr} events, &gt;= 0
 * @param preferenceEvents number of {@code preference} events, &gt;= 0; the two sum to &gt;= 1
 * @param ctrBaseRate target mean click probability over the stream (the click logit's bias is
 *     calibrated to it), in (0, 1); realistic values are 0.05..0.15
 * @param context whether events carry context ({@code device}, {@code hour}); without it the
 *     device has no effect (the daily cycle still does)
 * @param dailyCycleAmplitude amplitude of the daily cycle in the click logit (added {@code A *
 *     sin(2 pi (t - 14h) / 24h)}, so clicks peak at 20:00 UTC), finite, &gt;= 0; 0 = none
 * @param drifts the drift schedule, possibly empty; each task {@code ctr} or {@code preference}
 * @param startTs timestamp of the first event, epoch milliseconds, &gt;= 0
 * @param eventSpacingMs timestamp step between consecutive events (all tasks), milliseconds,
 *     &gt;= 0
 * @param zipfExponent popularity skew: user/item of rank k is drawn with weight {@code
 *     1/(k+1)^s}; finite, 0..5; 0 = uniform
 * @param signalScale norm {@code c} of each task weight vector (strength of the interaction
 *     signal), finite, (0, 10]
 * @param idBiasScale standard deviation of the per-user and per-item additive score biases
 *     shared by both tasks, finite, 0..10
 * @param ratingNoise standard deviation of the Gaussian noise on a rating before clipping,
 *     finite, 0..10
 */
public record GeneratorConfig(
    long seed,
    int users,
    int items,
    int dim,
    double rho,
    long ctrEvents,
    long preferenceEvents,
    double ctrBaseRate,
    boolean context,
    double dailyCycleAmplitude,
    List<DriftSpec> drifts,
    long startTs,
    long eventSpacingMs,
    double zipfExponent,
    double signalScale,
    double idBiasScale,
    double ratingNoise) {

  private static final int MAX_IDS = 10_000_000;

  /** Validates every setting; throws {@link IllegalArgumentException} naming the bad one. */
  public GeneratorConfig {
    range("users", users, 1, MAX_IDS);
    range("items", items, 1, MAX_IDS);
    range("dim", dim, 4, 1024);
    between("rho", rho, 0.0, 1.0);
    if (ctrEvents < 0) {
      throw new IllegalArgumentException("ctrEvents: must be >= 0, got " + ctrEvents);
    }
    if (preferenceEvents < 0) {
      throw new IllegalArgumentException(
          "preferenceEvents: must be >= 0, got " + preferenceEvents);
    }
    if (ctrEvents + preferenceEvents < 1) {
      throw new IllegalArgumentException("ctrEvents + preferenceEvents: must be >= 1, got "
          + ctrEvents + " + " + preferenceEvents);
    }
    if (!(ctrBaseRate > 0.0 && ctrBaseRate < 1.0)) {
      throw new IllegalArgumentException(
          "ctrBaseRate: must be in (0, 1) (realistic: 0.05..0.15), got " + ctrBaseRate);
    }
    between("dailyCycleAmplitude", dailyCycleAmplitude, 0.0, 20.0);
    drifts = List.copyOf(Objects.requireNonNull(drifts, "drifts"));
    for (DriftSpec d : drifts) {
      if (!StreamGenerator.CTR.equals(d.task()) && !StreamGenerator.PREFERENCE.equals(d.task())) {
        throw new IllegalArgumentException("drifts: task must be '" + StreamGenerator.CTR
            + "' or '" + StreamGenerator.PREFERENCE + "', got '" + d.task() + "'");
      }
    }
    if (startTs < 0) {
      throw new IllegalArgumentException("startTs: must be >= 0 epoch ms, got " + startTs);
    }
    if (eventSpacingMs < 0) {
      throw new IllegalArgumentException(
          "eventSpacingMs: must be >= 0 ms, got " + eventSpacingMs);
    }
    between("zipfExponent", zipfExponent, 0.0, 5.0);
    if (!(signalScale > 0.0 && signalScale <= 10.0)) {
      throw new IllegalArgumentException("signalScale: must be in (0, 10], got " + signalScale);
    }
    between("idBiasScale", idBiasScale, 0.0, 10.0);
    between("ratingNoise", ratingNoise, 0.0, 10.0);
  }

  /**
   * The reference stream: seed 42, 5,000 users, 2,000 items, dim 8, rho 0.8, 200,000 ctr and
   * 200,000 preference events, click rate 0.10, context on, daily-cycle amplitude 0.5, no drift,
   * start 2025-11-28T00:00Z, one event every 864 ms (so the 400,000 events span exactly 4 days
   * and the daily cycle averages out of the overall click rate), Zipf exponent 0.8, signal scale
   * 1.5, id-bias scale 0.5, rating noise 0.5.
   */
  public static GeneratorConfig defaults() {
    return new GeneratorConfig(42L, 5_000, 2_000, 8, 0.8, 200_000, 200_000, 0.10, true, 0.5,
        List.of(), 1_764_288_000_000L, 864L, 0.8, 1.5, 0.5, 0.5);
  }

  /** Total number of events, both tasks. */
  public long totalEvents() {
    return ctrEvents + preferenceEvents;
  }

  /** A copy with another seed. */
  public GeneratorConfig withSeed(long value) {
    return copy(d -> d.seed = value);
  }

  /** A copy with other user and item counts. */
  public GeneratorConfig withPopulation(int userCount, int itemCount) {
    return copy(d -> {
      d.users = userCount;
      d.items = itemCount;
    });
  }

  /** A copy with another latent dimension. */
  public GeneratorConfig withDim(int value) {
    return copy(d -> d.dim = value);
  }

  /** A copy with another task relatedness. */
  public GeneratorConfig withRho(double value) {
    return copy(d -> d.rho = value);
  }

  /** A copy with other event counts per task (their ratio makes a task scarce). */
  public GeneratorConfig withEvents(long ctr, long preference) {
    return copy(d -> {
      d.ctrEvents = ctr;
      d.preferenceEvents = preference;
    });
  }

  /** A copy with another target click rate. */
  public GeneratorConfig withCtrBaseRate(double value) {
    return copy(d -> d.ctrBaseRate = value);
  }

  /** A copy with or without context features. */
  public GeneratorConfig withContext(boolean value) {
    return copy(d -> d.context = value);
  }

  /** A copy with another daily-cycle amplitude (0 = none). */
  public GeneratorConfig withDailyCycleAmplitude(double value) {
    return copy(d -> d.dailyCycleAmplitude = value);
  }

  /** A copy with another drift schedule. */
  public GeneratorConfig withDrifts(List<DriftSpec> value) {
    return copy(d -> d.drifts = value);
  }

  /** A copy with another timeline: first timestamp and spacing, in epoch ms and ms. */
  public GeneratorConfig withTimeline(long firstTs, long spacingMs) {
    return copy(d -> {
      d.startTs = firstTs;
      d.eventSpacingMs = spacingMs;
    });
  }

  /** A copy with another popularity skew. */
  public GeneratorConfig withZipfExponent(double value) {
    return copy(d -> d.zipfExponent = value);
  }

  /** A copy with another interaction signal scale. */
  public GeneratorConfig withSignalScale(double value) {
    return copy(d -> d.signalScale = value);
  }

  /** A copy with another id-bias scale. */
  public GeneratorConfig withIdBiasScale(double value) {
    return copy(d -> d.idBiasScale = value);
  }

  /** A copy with another rating noise. */
  public GeneratorConfig withRatingNoise(double value) {
    return copy(d -> d.ratingNoise = value);
  }

  /**
   * A copy of this configuration with {@code change} applied to a mutable draft of it; the
   * result is validated by the canonical constructor as every configuration is.
   */
  private GeneratorConfig copy(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** The settings of a configuration being copied, one mutable field per component. */
  private static final class Draft {
    private long seed;
    private int users;
    private int items;
    private int dim;
    private double rho;
    private long ctrEvents;
    private long preferenceEvents;
    private double ctrBaseRate;
    private boolean context;
    private double dailyCycleAmplitude;
    private List<DriftSpec> drifts;
    private long startTs;
    private long eventSpacingMs;
    private double zipfExponent;
    private double signalScale;
    private double idBiasScale;
    private double ratingNoise;

    private Draft(GeneratorConfig c) {
      seed = c.seed;
      users = c.users;
      items = c.items;
      dim = c.dim;
      rho = c.rho;
      ctrEvents = c.ctrEvents;
      preferenceEvents = c.preferenceEvents;
      ctrBaseRate = c.ctrBaseRate;
      context = c.context;
      dailyCycleAmplitude = c.dailyCycleAmplitude;
      drifts = c.drifts;
      startTs = c.startTs;
      eventSpacingMs = c.eventSpacingMs;
      zipfExponent = c.zipfExponent;
      signalScale = c.signalScale;
      idBiasScale = c.idBiasScale;
      ratingNoise = c.ratingNoise;
    }

    private GeneratorConfig build() {
      return new GeneratorConfig(seed, users, items, dim, rho, ctrEvents, preferenceEvents,
          ctrBaseRate, context, dailyCycleAmplitude, drifts, startTs, eventSpacingMs, zipfExponent,
          signalScale, idBiasScale, ratingNoise);
    }
  }

  private static void range(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": must be in " + min + ".." + max + ", got " + value);
    }
  }

  private static void between(String name, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          name + ": must be finite and in [" + min + ", " + max + "], got " + value);
    }
  }
}
