package io.tandem.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The hyperparameters of a {@link MultiTaskModel}: immutable, validated on construction, seed
 * included. Start from {@link #defaults()} and change settings with the {@code withX} copies.
 *
 * <p>Two models built from equal configurations and tasks, fed the same batches, give
 * bit-identical predictions. Learned state is never part of the configuration.
 *
 * @param architecture how the tasks share the dense part (hard: {@link
 *     Architecture#SHARED_BOTTOM}; soft: {@link Architecture#MMOE} or {@link Architecture#CGC})
 * @param embeddingDim width of every embedding row, 1..1024
 * @param hiddenSizes shared-bottom hidden layer widths (ReLU), at least one, each 1..4096; unused
 *     by MMoE
 * @param experts MMoE expert count, or CGC shared expert count, 1..64; unused by shared-bottom
 * @param expertSize MMoE/CGC expert width (one ReLU layer per expert), 1..4096
 * @param taskExperts CGC private experts per task, 1..64; unused by the other architectures
 * @param towerSize hidden width of each task tower (one ReLU layer, then one output), 1..4096
 * @param productFeatures whether the element-wise product of the user and item rows is part of
 *     the dense input (lets the MLP express matrix-factorisation interactions directly)
 * @param wide whether each task's tower also reads the whole dense input linearly, a per-task
 *     term added to its output ({@code z_t = tower_t(o_t) + v_t . x}: Wide &amp; Deep's wide part;
 *     over the product features it is a per-task weighted matrix factorisation, as NeuMF's GMF)
 * @param categoricalFields context fields embedded in their own table {@code ctx.<field>}, in
 *     input order; fields of an example not listed here are ignored
 * @param numericFields numeric context fields, standardised online and concatenated in this
 *     order; a missing value counts as the running mean; others are ignored
 * @param optimizer update rule for both embedding rows and dense parameters
 * @param embeddingLearningRate learning rate of embedding rows, finite and &gt; 0
 * @param denseLearningRate learning rate of the dense parameters (shared part and towers), &gt; 0
 * @param weighting how task losses are combined into one
 * @param taskWeights weight per task name (a task not listed weighs 1), each finite and &gt;= 0:
 *     the constant weight under {@link Weighting#FIXED}, the weight that multiplies the task's
 *     loss normalisation factor under {@link Weighting#NORMALISED}, the prior that multiplies
 *     the learned weight under {@link Weighting#UNCERTAINTY} ({@code w_t = c_t exp(-s_t)}), the
 *     initial weight under {@link Weighting#GRADNORM}; unused by {@link Weighting#DWA}
 * @param gradNormAlpha GradNorm's asymmetry {@code alpha}, finite and &gt;= 0
 * @param weightingLearningRate step size of learned weights (uncertainty log-variances,
 *     GradNorm weights), finite and &gt; 0
 * @param lossScales a constant factor per task applied to its loss before weighting (a unit
 *     choice, default 1); each finite and &gt; 0
 * @param pcgrad whether conflicting per-task gradients on the shared dense part are projected
 *     (PCGrad) before they are summed
 * @param admissionThreshold sightings (in learned events) an id needs before it gets its own
 *     row; until then it shares its table's default row. 1 = every id gets a row at once
 * @param rowExpiryEvents a row not touched by the last this-many learned events is evicted (time
 *     is counted in learned labelled events, not wall-clock or record time, so replay and live
 *     training evict the same rows); 0 = never
 * @param affinityDecay weight of the newest observation in the affinity and per-task gradient
 *     running averages, in (0, 1]
 * @param affinityInterval minimum number of learned events between two affinity measurements
 *     (&gt;= 1): a learn call measures when at least this many events were learned since the
 *     last measurement, so with micro-batches at least this large every call measures, and at
 *     batch size 1 only one call in this many pays for the per-task gradient split (unless
 *     PCGrad or GradNorm need it anyway)
 * @param embeddingInitScale standard deviation of the initial embedding values, finite, &gt;= 0
 * @param seed seed of every random initialisation
 */
public record ModelConfig(
    Architecture architecture,
    int embeddingDim,
    List<Integer> hiddenSizes,
    int experts,
    int expertSize,
    int taskExperts,
    int towerSize,
    boolean productFeatures,
    boolean wide,
    List<String> categoricalFields,
    List<String> numericFields,
    OptimizerKind optimizer,
    double embeddingLearningRate,
    double denseLearningRate,
    Weighting weighting,
    Map<String, Double> taskWeights,
    double gradNormAlpha,
    double weightingLearningRate,
    Map<String, Double> lossScales,
    boolean pcgrad,
    int admissionThreshold,
    long rowExpiryEvents,
    double affinityDecay,
    int affinityInterval,
    double embeddingInitScale,
    long seed) {

  /** How tasks share the dense part. */
  public enum Architecture {
    /** Hard sharing: one MLP over the input, its output feeds every tower. */
    SHARED_BOTTOM,
    /** Soft sharing: K experts, one softmax gate per task mixes them for its tower. */
    MMOE,
    /**
     * Customized gate control (PLE's single level): shared experts plus private experts per
     * task; each task's gate mixes the shared experts and its own.
     */
    CGC
  }

  /** Update rule, applied sparsely to touched embedding rows and densely to dense parameters. */
  public enum OptimizerKind {
    /** Plain stochastic gradient descent. */
    SGD,
    /** Adagrad (per-coordinate accumulated squared gradients). */
    ADAGRAD,
    /** Adam with bias correction (beta1 0.9, beta2 0.999). */
    ADAM
  }

  /** How the task losses are weighted into one objective. */
  public enum Weighting {
    /** Constant weights from {@link ModelConfig#taskWeights()}. */
    FIXED,
    /**
     * Constant weights from {@link ModelConfig#taskWeights()} on unit-free losses: each task's
     * weight times its {@link io.tandem.model.weighting.LossNormalisation} factor (1 for a binary
     * task, 12 for a regression, whose squared loss then is a Gaussian negative log-likelihood
     * with the variance of a label uniform over the declared range). The default.
     */
    NORMALISED,
    /**
     * Learned homoscedastic uncertainty weights (Kendall, Gal and Cipolla 2018) times the
     * configured {@link ModelConfig#taskWeights()} as priors: {@code w_t = c_t / L_t} at
     * equilibrium.
     */
    UNCERTAINTY,
    /** GradNorm (Chen et al. 2018): weights that balance shared-gradient norms. */
    GRADNORM,
    /** Dynamic weight average (Liu, Johns and Davison 2019) over running loss averages. */
    DWA
  }

  /** Validates every setting; throws {@link IllegalArgumentException} naming the bad one. */
  public ModelConfig {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(weighting, "weighting");
    range("embeddingDim", embeddingDim, 1, 1024);
    hiddenSizes = List.copyOf(Objects.requireNonNull(hiddenSizes, "hiddenSizes"));
    if (hiddenSizes.isEmpty()) {
      throw new IllegalArgumentException("hiddenSizes: must list at least one layer width");
    }
    for (int h : hiddenSizes) {
      range("hiddenSizes[]", h, 1, 4096);
    }
    range("experts", experts, 1, 64);
    range("expertSize", expertSize, 1, 4096);
    range("taskExperts", taskExperts, 1, 64);
    range("towerSize", towerSize, 1, 4096);
    categoricalFields = fields("categoricalFields", categoricalFields);
    numericFields = fields("numericFields", numericFields);
    positive("embeddingLearningRate", embeddingLearningRate);
    positive("denseLearningRate", denseLearningRate);
    taskWeights = perTask("taskWeights", taskWeights, true);
    if (!Double.isFinite(gradNormAlpha) || gradNormAlpha < 0) {
      throw new IllegalArgumentException(
          "gradNormAlpha: must be finite and >= 0, got " + gradNormAlpha);
    }
    positive("weightingLearningRate", weightingLearningRate);
    lossScales = perTask("lossScales", lossScales, false);
    range("admissionThreshold", admissionThreshold, 1, Integer.MAX_VALUE);
    if (rowExpiryEvents < 0) {
      throw new IllegalArgumentException(
          "rowExpiryEvents: must be >= 0 (0 = never), got " + rowExpiryEvents);
    }
    if (!(affinityDecay > 0 && affinityDecay <= 1)) {
      throw new IllegalArgumentException(
          "affinityDecay: must be in (0, 1], got " + affinityDecay);
    }
    range("affinityInterval", affinityInterval, 1, Integer.MAX_VALUE);
    if (!Double.isFinite(embeddingInitScale) || embeddingInitScale < 0) {
      throw new IllegalArgumentException(
          "embeddingInitScale: must be finite and >= 0, got " + embeddingInitScale);
    }
  }

  /**
   * The reference configuration: MMoE, dim 32, 4 experts x 64 (CGC: 1 private expert per
   * task besides them), product features and wide towers (32 hidden units), Adagrad at 0.15 for
   * embeddings and 0.05 for dense parameters (chosen on the generator's default stream, README
   * "Learning quality"; the wide towers need the faster rates: with 0.05 / 0.01 they did not
   * help), fixed task weights (default 1) on normalised losses (a regression's squared loss as
   * a Gaussian negative log-likelihood: on that stream MMoE closes 39.8% / 42.8% / 35.9% of the
   * baseline-to-oracle ctr AUC gap with seeds 42 / 43 / 44, plain equal weights 28.8% / 30.0% /
   * 27.0%, uncertainty weighting 38.1% / 38.0% / 35.8%, all at micro-batches of 16; at 64 the
   * default closes 36.1% / 34.8% with seeds 42 / 43, equal and uncertainty weights about 25%),
   * no PCGrad, no frequency filter, no expiry, affinity measured at most every 4,096 events
   * with decay 0.1 (a measurement splits the shared gradient per task, which cost ~35% of an
   * MMoE step at batch 256 when done every step), seed 42.
   */
  public static ModelConfig defaults() {
    return new ModelConfig(
        Architecture.MMOE, 32, List.of(64, 64), 4, 64, 1, 32, true, true, List.of(), List.of(),
        OptimizerKind.ADAGRAD, 0.15, 0.05, Weighting.NORMALISED, Map.of(), 0.5, 0.01, Map.of(),
        false, 1, 0, 0.1, 4096, 0.1, 42L);
  }

  /** The fixed weight of {@code task} (1 when not listed). */
  public double taskWeight(String task) {
    return taskWeights.getOrDefault(task, 1.0);
  }

  /** The loss scale of {@code task} (1 when not listed). */
  public double lossScale(String task) {
    return lossScales.getOrDefault(task, 1.0);
  }

  /** A copy with another architecture. */
  public ModelConfig withArchitecture(Architecture value) {
    return copy(d -> d.architecture = value);
  }

  /** A copy with another embedding width. */
  public ModelConfig withEmbeddingDim(int value) {
    return copy(d -> d.embeddingDim = value);
  }

  /** A copy with other shared-bottom layer widths. */
  public ModelConfig withHiddenSizes(List<Integer> value) {
    return copy(d -> d.hiddenSizes = value);
  }

  /** A copy with another MMoE expert count and width. */
  public ModelConfig withExperts(int count, int size) {
    return copy(d -> {
      d.experts = count;
      d.expertSize = size;
    });
  }

  /** A copy with another number of CGC private experts per task. */
  public ModelConfig withTaskExperts(int value) {
    return copy(d -> d.taskExperts = value);
  }

  /** A copy with another tower width. */
  public ModelConfig withTowerSize(int value) {
    return copy(d -> d.towerSize = value);
  }

  /** A copy with or without the user-item product features. */
  public ModelConfig withProductFeatures(boolean value) {
    return copy(d -> d.productFeatures = value);
  }

  /** A copy with or without the towers' wide (linear) read-out of the dense input. */
  public ModelConfig withWide(boolean value) {
    return copy(d -> d.wide = value);
  }

  /** A copy with other context fields. */
  public ModelConfig withContextFields(List<String> categorical, List<String> numeric) {
    return copy(d -> {
      d.categoricalFields = categorical;
      d.numericFields = numeric;
    });
  }

  /** A copy with another optimizer and learning rates (embeddings, dense). */
  public ModelConfig withOptimizer(OptimizerKind kind, double embeddingRate, double denseRate) {
    return copy(d -> {
      d.optimizer = kind;
      d.embeddingLearningRate = embeddingRate;
      d.denseLearningRate = denseRate;
    });
  }

  /** A copy with another loss weighting and its fixed weights. */
  public ModelConfig withWeighting(Weighting kind, Map<String, Double> weights) {
    return copy(d -> {
      d.weighting = kind;
      d.taskWeights = weights;
    });
  }

  /** A copy with another GradNorm alpha. */
  public ModelConfig withGradNormAlpha(double value) {
    return copy(d -> d.gradNormAlpha = value);
  }

  /** A copy with another step size for learned loss weights. */
  public ModelConfig withWeightingLearningRate(double value) {
    return copy(d -> d.weightingLearningRate = value);
  }

  /** A copy with other per-task loss scales. */
  public ModelConfig withLossScales(Map<String, Double> value) {
    return copy(d -> d.lossScales = value);
  }

  /** A copy with PCGrad switched on or off. */
  public ModelConfig withPcgrad(boolean value) {
    return copy(d -> d.pcgrad = value);
  }

  /** A copy with another frequency-filter threshold. */
  public ModelConfig withAdmissionThreshold(int value) {
    return copy(d -> d.admissionThreshold = value);
  }

  /** A copy with another row expiry (in learned events; 0 = never). */
  public ModelConfig withRowExpiryEvents(long value) {
    return copy(d -> d.rowExpiryEvents = value);
  }

  /** A copy with other affinity averaging settings. */
  public ModelConfig withAffinity(double decay, int interval) {
    return copy(d -> {
      d.affinityDecay = decay;
      d.affinityInterval = interval;
    });
  }

  /** A copy with another initial embedding scale. */
  public ModelConfig withEmbeddingInitScale(double value) {
    return copy(d -> d.embeddingInitScale = value);
  }

  /** A copy with another seed. */
  public ModelConfig withSeed(long value) {
    return copy(d -> d.seed = value);
  }

  /**
   * A copy of this configuration with {@code change} applied to a mutable draft of it; the
   * result is validated by the canonical constructor as every configuration is.
   */
  private ModelConfig copy(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** The settings of a configuration being copied, one mutable field per component. */
  private static final class Draft {
    private Architecture architecture;
    private int embeddingDim;
    private List<Integer> hiddenSizes;
    private int experts;
    private int expertSize;
    private int taskExperts;
    private int towerSize;
    private boolean productFeatures;
    private boolean wide;
    private List<String> categoricalFields;
    private List<String> numericFields;
    private OptimizerKind optimizer;
    private double embeddingLearningRate;
    private double denseLearningRate;
    private Weighting weighting;
    private Map<String, Double> taskWeights;
    private double gradNormAlpha;
    private double weightingLearningRate;
    private Map<String, Double> lossScales;
    private boolean pcgrad;
    private int admissionThreshold;
    private long rowExpiryEvents;
    private double affinityDecay;
    private int affinityInterval;
    private double embeddingInitScale;
    private long seed;

    private Draft(ModelConfig c) {
      architecture = c.architecture;
      embeddingDim = c.embeddingDim;
      hiddenSizes = c.hiddenSizes;
      experts = c.experts;
      expertSize = c.expertSize;
      taskExperts = c.taskExperts;
      towerSize = c.towerSize;
      productFeatures = c.productFeatures;
      wide = c.wide;
      categoricalFields = c.categoricalFields;
      numericFields = c.numericFields;
      optimizer = c.optimizer;
      embeddingLearningRate = c.embeddingLearningRate;
      denseLearningRate = c.denseLearningRate;
      weighting = c.weighting;
      taskWeights = c.taskWeights;
      gradNormAlpha = c.gradNormAlpha;
      weightingLearningRate = c.weightingLearningRate;
      lossScales = c.lossScales;
      pcgrad = c.pcgrad;
      admissionThreshold = c.admissionThreshold;
      rowExpiryEvents = c.rowExpiryEvents;
      affinityDecay = c.affinityDecay;
      affinityInterval = c.affinityInterval;
      embeddingInitScale = c.embeddingInitScale;
      seed = c.seed;
    }

    private ModelConfig build() {
      return new ModelConfig(architecture, embeddingDim, hiddenSizes, experts, expertSize,
          taskExperts, towerSize, productFeatures, wide, categoricalFields, numericFields,
          optimizer, embeddingLearningRate, denseLearningRate, weighting, taskWeights,
          gradNormAlpha, weightingLearningRate, lossScales, pcgrad, admissionThreshold,
          rowExpiryEvents, affinityDecay, affinityInterval, embeddingInitScale, seed);
    }
  }

  private static void range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": must be in [" + min + ", " + max + "], got " + value);
    }
  }

  private static void positive(String name, double value) {
    if (!Double.isFinite(value) || value <= 0) {
      throw new IllegalArgumentException(name + ": must be finite and > 0, got " + value);
    }
  }

  private static List<String> fields(String name, List<String> value) {
    List<String> copy = List.copyOf(Objects.requireNonNull(value, name));
    if (copy.stream().distinct().count() != copy.size()) {
      throw new IllegalArgumentException(name + ": field names must be distinct, got " + copy);
    }
    for (String f : copy) {
      if (f.isEmpty()) {
        throw new IllegalArgumentException(name + ": field names must be non-empty");
      }
    }
    return copy;
  }

  private static Map<String, Double> perTask(String name, Map<String, Double> value,
      boolean zeroAllowed) {
    Map<String, Double> copy = Map.copyOf(Objects.requireNonNull(value, name));
    for (Map.Entry<String, Double> e : copy.entrySet()) {
      double v = e.getValue();
      if (!Double.isFinite(v) || v < 0 || (!zeroAllowed && v == 0)) {
        throw new IllegalArgumentException(name + "." + e.getKey() + ": must be finite and "
            + (zeroAllowed ? ">= 0" : "> 0") + ", got " + v);
      }
    }
    return copy;
  }
}
