package io.tandem.model.generator;

import io.tandem.model.TaskSpec;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A seeded synthetic stream of {@code ctr} and {@code preference} events with ground truth.
 *
 * <p>The world. Every user u has a latent vector {@code a_u ~ N(0, I_dim)} and a bias {@code
 * beta_u ~ N(0, sigma_b^2)}, every item i {@code b_i ~ N(0, I_dim)} and {@code gamma_i ~ N(0,
 * sigma_b^2)} ({@code sigma_b} = {@link GeneratorConfig#idBiasScale()}). The interaction features
 * of a pair are the element-wise product {@code x = a_u (.) b_i} (what a matrix factorisation
 * sees). Task t's score, with its weight vector {@code u_t} from {@link TaskWeights} ({@code
 * |u_t| = c}, {@code cos(u_ctr, u_pref) = rho}), is, after the MMoE paper's synthetic protocol
 * (Ma et al. 2018, section 3.2, with the same sinusoid parameters for both tasks):
 *
 * <pre>
 *   z_t = u_t . x
 *   score_t = z_t + (1 / sqrt(M)) * sum_{j=1..M} sin(alpha_j z_t + beta_j) + beta_u + gamma_i
 *     with M = 4, alpha_j, beta_j ~ N(0, 1)
 * </pre>
 *
 * <p>The labels.
 * <ul>
 *   <li>{@code ctr}: {@code p = sigmoid(score_ctr + b0 + device + A sin(2 pi (tod - 14h) / 24h))},
 *       label ~ Bernoulli(p), truth = p. {@code tod} is the event's time of day (UTC), {@code A}
 *       the daily-cycle amplitude; the device effect is 0 (mobile), +0.4 (desktop), -0.4
 *       (tablet) on the logit, devices drawn 60/30/10%. {@code b0} is calibrated once, by
 *       bisection on 20,000 draws of (user, item, device, time of day uniform over a day), so
 *       that the mean of p is {@link GeneratorConfig#ctrBaseRate()}; a stream that does not
 *       span whole days shows the cycle's partial average instead.
 *   <li>{@code preference}: {@code mean = 3 + 0.6 score_pref}, label = clip(mean + N(0,
 *       noise^2), 1, 5), truth = clip(mean, 1, 5) (the expected rating before noise, clipped).
 * </ul>
 *
 * <p>The stream. Users and items are drawn by Zipf-like popularity (rank = index, so {@code u0}
 * and {@code i0} are the most popular). Tasks are interleaved at random in proportion to the
 * events each has left, so each task gets exactly its configured count. Event n (0-based) has id
 * {@code e-n} and timestamp {@code startTs + n * eventSpacingMs}; its context is {@code device}
 * (String) and {@code hour} (Long, 0..23, UTC). Drifts re-draw a task's specific factors ({@link
 * DriftSpec}).
 *
 * <p>Randomness: one {@link SplittableRandom} seeded with the config's seed, split into
 * independent streams for the world, the events, the drift directions and the calibration, so
 * adding a drift changes no user, item, context or uniform draw — only the truths it must.
 *
 * <p>Not thread-safe: one thread iterates a generator.
 */
public final class StreamGenerator implements Iterator<GeneratedEvent> {

  /** The binary task's name. */
  public static final String CTR = "ctr";
  /** The regression task's name. */
  public static final String PREFERENCE = "preference";
  /** The tasks generated: {@code ctr} (binary) and {@code preference} (regression, 1..5). */
  public static final List<TaskSpec> TASKS =
      List.of(TaskSpec.binary(CTR), TaskSpec.regression(PREFERENCE, 1.0, 5.0));

  static final int SINES = 4;
  static final double RATING_CENTER = 3.0;
  static final double RATING_SLOPE = 0.6;
  static final double RATING_MIN = 1.0;
  static final double RATING_MAX = 5.0;
  static final int CALIBRATION_DRAWS = 20_000;
  private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
  private static final double[] DEVICE_CUMULATIVE = {0.6, 0.9, 1.0};
  private static final double[] DEVICE_EFFECT = {0.0, 0.4, -0.4};
  private static final long DAY_MS = 86_400_000L;
  private static final long HOUR_MS = 3_600_000L;
  private static final double PEAK_SHIFT_MS = 14 * HOUR_MS;

  private final GeneratorConfig config;
  private final int dim;
  private final double[] userLatent;
  private final double[] itemLatent;
  private final double[] userBias;
  private final double[] itemBias;
  private final double[] alpha = new double[SINES];
  private final double[] beta = new double[SINES];
  private final ZipfSampler userSampler;
  private final ZipfSampler itemSampler;
  private final TaskWeights weights;
  private final double ctrBias;
  private final SplittableRandom events;
  private final double[] scratch;
  private final String[] userIds;
  private final String[] itemIds;
  private long position;
  private long ctrLeft;
  private long preferenceLeft;

  /**
   * Builds the world of {@code config} (latent vectors, biases, task weights, calibrated click
   * bias); O(users + items) time and memory, plus 20,000 calibration draws.
   */
  public StreamGenerator(GeneratorConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.dim = config.dim();
    SplittableRandom root = new SplittableRandom(config.seed());
    SplittableRandom world = root.split();
    this.events = root.split();
    SplittableRandom driftRandom = root.split();
    SplittableRandom calibration = root.split();
    this.userLatent = gaussians(world, config.users() * dim, 1.0);
    this.itemLatent = gaussians(world, config.items() * dim, 1.0);
    this.userBias = gaussians(world, config.users(), config.idBiasScale());
    this.itemBias = gaussians(world, config.items(), config.idBiasScale());
    for (int j = 0; j < SINES; j++) {
      alpha[j] = world.nextGaussian();
      beta[j] = world.nextGaussian();
    }
    this.weights = new TaskWeights(dim, config.rho(), config.signalScale(), config.drifts(),
        world, driftRandom);
    this.userSampler = new ZipfSampler(config.users(), config.zipfExponent());
    this.itemSampler = new ZipfSampler(config.items(), config.zipfExponent());
    this.scratch = new double[dim];
    this.userIds = new String[config.users()];
    this.itemIds = new String[config.items()];
    this.ctrBias = calibrateCtrBias(calibration);
    this.ctrLeft = config.ctrEvents();
    this.preferenceLeft = config.preferenceEvents();
  }

  /** The events of {@code config} as a sequential, ordered stream. */
  public static Stream<GeneratedEvent> stream(GeneratorConfig config) {
    StreamGenerator generator = new StreamGenerator(config);
    return StreamSupport.stream(Spliterators.spliterator(generator, config.totalEvents(),
        Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
  }

  /** The tasks generated ({@link #TASKS}). */
  public List<TaskSpec> tasks() {
    return TASKS;
  }

  /** The configuration. */
  public GeneratorConfig config() {
    return config;
  }

  /** The calibrated click-logit bias {@code b0}. */
  public double ctrBias() {
    return ctrBias;
  }

  /**
   * Task {@code task}'s weight vector {@code u_t} at stream position {@code event} (a fresh
   * array of length dim).
   *
   * @throws IllegalArgumentException for a task other than {@code ctr} and {@code preference}
   */
  public double[] taskWeights(String task, long event) {
    checkTask(task);
    double[] out = new double[dim];
    weights.weightsInto(task, event, out);
    return out;
  }

  /**
   * The ground truth of {@code task} for user rank {@code user} and item rank {@code item} at
   * stream position {@code event} (which fixes the weights and, through the timestamp, the
   * daily cycle), for a device ({@code null} = no device effect): the click probability or the
   * expected rating. Lets tests and evaluators ask about pairs the stream did not draw.
   *
   * @throws IllegalArgumentException for an unknown task, device or an out-of-range rank
   */
  public double truth(String task, int user, int item, String device, long event) {
    checkTask(task);
    if (user < 0 || user >= config.users() || item < 0 || item >= config.items()) {
      throw new IllegalArgumentException("user/item rank: must be in 0.." + (config.users() - 1)
          + " / 0.." + (config.items() - 1) + ", got " + user + " / " + item);
    }
    int d = -1;
    if (device != null) {
      d = List.of(DEVICES).indexOf(device);
      if (d < 0) {
        throw new IllegalArgumentException(
            "device: must be one of " + List.of(DEVICES) + " or null, got '" + device + "'");
      }
    }
    long ts = config.startTs() + event * config.eventSpacingMs();
    return CTR.equals(task)
        ? clickProbability(user, item, d, timeOfDayMs(ts), event)
        : expectedRating(user, item, event);
  }

  @Override
  public boolean hasNext() {
    return ctrLeft + preferenceLeft > 0;
  }

  @Override
  public GeneratedEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("all " + config.totalEvents() + " events generated");
    }
    long n = position++;
    boolean ctr = events.nextLong(ctrLeft + preferenceLeft) < ctrLeft;
    if (ctr) {
      ctrLeft--;
    } else {
      preferenceLeft--;
    }
    int user = userSampler.sample(events);
    int item = itemSampler.sample(events);
    long ts = config.startTs() + n * config.eventSpacingMs();
    int device = -1;
    Map<String, Object> context = Map.of();
    if (config.context()) {
      device = drawDevice(events.nextDouble());
      context = new LinkedHashMap<>();
      context.put("device", DEVICES[device]);
      context.put("hour", Math.floorMod(ts / HOUR_MS, 24L));
    }
    double truth;
    double label;
    if (ctr) {
      truth = clickProbability(user, item, device, timeOfDayMs(ts), n);
      label = events.nextDouble() < truth ? 1.0 : 0.0;
    } else {
      double mean = RATING_CENTER + RATING_SLOPE * score(PREFERENCE, user, item, n);
      truth = clip(mean);
      label = clip(mean + config.ratingNoise() * events.nextGaussian());
    }
    return new GeneratedEvent("e-" + n, ctr ? CTR : PREFERENCE, userId(user), itemId(item),
        label, ts, context, truth);
  }

  private double clickProbability(int user, int item, int device, long timeOfDayMs, long event) {
    double logit = score(CTR, user, item, event) + ctrBias + contextEffect(device, timeOfDayMs);
    return sigmoid(logit);
  }

  private double expectedRating(int user, int item, long event) {
    return clip(RATING_CENTER + RATING_SLOPE * score(PREFERENCE, user, item, event));
  }

  /** score_t of the class comment, without the click bias and context. */
  private double score(String task, int user, int item, long event) {
    weights.weightsInto(task, event, scratch);
    double z = 0.0;
    int uo = user * dim;
    int io = item * dim;
    for (int k = 0; k < dim; k++) {
      z += scratch[k] * userLatent[uo + k] * itemLatent[io + k];
    }
    double sines = 0.0;
    for (int j = 0; j < SINES; j++) {
      sines += Math.sin(alpha[j] * z + beta[j]);
    }
    return z + sines / Math.sqrt(SINES) + userBias[user] + itemBias[item];
  }

  private double contextEffect(int device, long timeOfDayMs) {
    double effect = device < 0 ? 0.0 : DEVICE_EFFECT[device];
    double cycle = config.dailyCycleAmplitude()
        * Math.sin(2.0 * Math.PI * (timeOfDayMs - PEAK_SHIFT_MS) / DAY_MS);
    return effect + cycle;
  }

  /** Bisection for b0 such that the mean click probability over calibration draws is the rate. */
  private double calibrateCtrBias(SplittableRandom random) {
    double[] logits = new double[CALIBRATION_DRAWS];
    for (int s = 0; s < CALIBRATION_DRAWS; s++) {
      int user = userSampler.sample(random);
      int item = itemSampler.sample(random);
      int device = config.context() ? drawDevice(random.nextDouble()) : -1;
      long timeOfDay = (long) (random.nextDouble() * DAY_MS);
      logits[s] = score(CTR, user, item, 0) + contextEffect(device, timeOfDay);
    }
    double lo = -40.0;
    double hi = 40.0;
    for (int iteration = 0; iteration < 100; iteration++) {
      double mid = 0.5 * (lo + hi);
      double mean = 0.0;
      for (double l : logits) {
        mean += sigmoid(l + mid);
      }
      if (mean / CALIBRATION_DRAWS < config.ctrBaseRate()) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  private static int drawDevice(double u) {
    int d = 0;
    while (u >= DEVICE_CUMULATIVE[d] && d < DEVICES.length - 1) {
      d++;
    }
    return d;
  }

  private long timeOfDayMs(long ts) {
    return Math.floorMod(ts, DAY_MS);
  }

  private String userId(int k) {
    String id = userIds[k];
    if (id == null) {
      id = "u" + k;
      userIds[k] = id;
    }
    return id;
  }

  private String itemId(int k) {
    String id = itemIds[k];
    if (id == null) {
      id = "i" + k;
      itemIds[k] = id;
    }
    return id;
  }

  private static void checkTask(String task) {
    if (!CTR.equals(task) && !PREFERENCE.equals(task)) {
      throw new IllegalArgumentException(
          "task: must be '" + CTR + "' or '" + PREFERENCE + "', got '" + task + "'");
    }
  }

  private static double clip(double rating) {
    return Math.min(RATING_MAX, Math.max(RATING_MIN, rating));
  }

  private static double sigmoid(double x) {
    return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
  }

  private static double[] gaussians(SplittableRandom random, int n, double sd) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = sd * random.nextGaussian();
    }
    return out;
  }
}
