package io.tandem.model;

import io.tandem.model.affinity.TaskAffinity;
import io.tandem.model.embedding.EmbeddingRow;
import io.tandem.model.embedding.EmbeddingTable;
import io.tandem.model.loss.Losses;
import io.tandem.model.nn.Cgc;
import io.tandem.model.nn.SharedBottom;
import io.tandem.model.nn.SharedPart;
import io.tandem.model.nn.Tower;
import io.tandem.model.nn.TouchedBlocks;
import io.tandem.model.optim.Adagrad;
import io.tandem.model.optim.Adam;
import io.tandem.model.optim.Optimizer;
import io.tandem.model.optim.RankOneUpdate;
import io.tandem.model.optim.Sgd;
import io.tandem.model.snapshot.ConfigCodec;
import io.tandem.model.snapshot.SnapshotFormat;
import io.tandem.model.weighting.DwaWeighting;
import io.tandem.model.weighting.FixedWeighting;
import io.tandem.model.weighting.GradNormWeighting;
import io.tandem.model.weighting.LossNormalisation;
import io.tandem.model.weighting.LossWeighting;
import io.tandem.model.weighting.PcGrad;
import io.tandem.model.weighting.UncertaintyWeighting;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Tandem's multi-task learner: shared embeddings, a shared dense part (shared-bottom MLP, MMoE or
 * CGC), one tower per task, a weighted sum of task losses, trained online one micro-batch at a
 * time.
 *
 * <p>Forward pass of one example: the rows of its user, item and categorical context ids are
 * gathered from their {@link EmbeddingTable tables}; the dense input is
 * {@code [u, v, u*v (optional), ctx rows..., standardised numerics...]}; the shared part maps it
 * to one representation per task; task {@code t}'s tower maps its representation (and, with
 * {@link ModelConfig#wide()}, the dense input itself, read linearly) to a scalar {@code z_t}; the
 * task's link ({@link Losses}) turns it into a score.
 *
 * <p>One {@link #learn} call is one optimizer step on
 * {@code L = sum_t w_t s_t mean_{examples labelled t} l_t(z_t, y_t)} ({@code w_t} from the
 * {@link LossWeighting}, {@code s_t} the configured loss scale): backward passes accumulate the
 * dense gradient and one gradient per touched embedding row; per-task gradients on the shared
 * part are kept apart when PCGrad, GradNorm or the affinity estimate need them; then the
 * optimizer updates the dense parameters and, sparsely, the touched rows (with their own state).
 *
 * <p>State for Kafka Streams: the dense part (parameters, optimizer state, weighting, affinity,
 * counters) is one blob ({@link #exportDense()}); each embedding row is its own entry
 * ({@link #drainDirtyRows()}, {@link #importRow}). A whole-model snapshot
 * ({@link #writeSnapshot}) holds both. Restoring either and continuing gives bit-identical results
 * to never stopping.
 *
 * <p>Transfer support ({@code io.tandem.model.transfer}): one task at a time may carry a shadow
 * candidate tower ({@link #attachShadow}) that is trained beside the incumbent on that task's
 * events without sending gradient into shared state, scored by {@link #predictShadow}, and then
 * promoted or discarded; a task's tower learning rate and loss weight can be boosted for a
 * recovery span, and the embedding rows a task's events touch and the shared part can re-learn
 * at boosted rates ({@link #boostRelearning}). A candidate may instead be the incumbent plus a
 * task-specific embedding residual ({@link #attachResidualShadow}), which a promotion keeps in
 * the task's output. All of it is one {@link TransferState}, part of the dense blob (format
 * versions 2, 4 and 5).
 *
 * <p>Plain Java arrays throughout: at these layer sizes ND4J's fixed cost per operation exceeds
 * the arithmetic (measurements in the {@code nn} package comment). A micro-batch of at least
 * {@value #BATCHED_FROM} single-label examples runs the shared part and the towers batched (one
 * pass for the whole batch, vectorised over examples); smaller or multi-label batches go example
 * by example; both give bit-identical results. A one-event step labelled for one task, with an
 * optimizer that has a fused form (Adagrad) and nothing else needing the gradient (no per-task
 * split, no tower or re-learning boost), steps the dense parameters inside the backward pass
 * ({@link RankOneUpdate}), again bit-identically. A batch larger than {@value #LEARN_CHUNK} is
 * learned in chunks of that size (bit-identical, smaller working set). A {@link #learn} right
 * after a batched {@link #predict} of the same examples reuses that prediction's shared forward,
 * recomputing only the examples whose dense input changed since (an id that got its own row);
 * see {@code KeptForward}. Deterministic: no wall clock, no unseeded randomness, fixed iteration
 * orders.
 *
 * <p>Not thread-safe: one thread drives a model (also for {@link #predict}, which uses internal
 * buffers but changes no observable state).
 */
public final class MultiTaskModel implements MultiTaskLearner {

  private static final String USER = "user";
  private static final String ITEM = "item";
  private static final String CTX = "ctx.";

  /**
   * The names of the embedding tables a model of this configuration has (the keys of
   * {@link ModelStats#tables()}): {@code user}, {@code item} and {@code ctx.<field>} per
   * categorical context field — without building a model.
   *
   * @param config the model configuration; not null
   * @return the table names, sorted; never empty
   */
  public static SortedSet<String> tableNames(ModelConfig config) {
    SortedSet<String> names = new TreeSet<>();
    names.add(USER);
    names.add(ITEM);
    for (String field : config.categoricalFields()) {
      names.add(contextTableName(field));
    }
    return Collections.unmodifiableSortedSet(names);
  }

  private static String contextTableName(String field) {
    return CTX + field;
  }
  /**
   * Smallest micro-batch that runs the shared part batched. Measured on the reference MMoE (in one
   * JVM, both paths alternating): at 4 events the per-example loop was faster (18.1k vs 15.2k
   * events/s), at 8 the batched path (20.1k vs 16.8k), at 64 and 256 about 2x and 2.5x.
   */
  static final int BATCHED_FROM = 8;
  /**
   * Examples per pass of a batched learning step: a larger micro-batch is learned as consecutive
   * chunks, forward and backward one chunk at a time, so that the activations stay in the core's
   * L2 cache (at 256 examples the reference MMoE's activation and gradient columns alone are
   * ~1 MB, at 64 a quarter of that). Every gradient sums its examples left to right in batch
   * order, so chunking changes no bit (BatchedPathTest). Not applied when the batch's forward is
   * kept from a predict, which is reused whole instead.
   */
  static final int LEARN_CHUNK = 64;
  /** Doubles per bulk copy when writing or reading the dense blob's arrays. */
  private static final int IO_CHUNK = 8_192;

  private final ModelConfig config;
  private final List<TaskSpec> tasks;
  private final Map<String, Integer> taskIndex;
  private final int taskCount;
  private final long fingerprint;

  private final SharedPart shared;
  private final Tower[] towers;
  private final int sharedLength;
  private final double[] params;
  private final double[] grads;
  private final TouchedBlocks touched;
  private final double[] optimizerState;
  private final Optimizer optimizer;
  /** The optimizer's dense step fused into backpropagation, or null when it has none. */
  private final RankOneUpdate rankOne;
  /** Whether one-event steps may use {@link #rankOne} (tests turn it off to compare paths). */
  private boolean fusedSteps = true;
  /** Steps that used {@link #rankOne} (for tests). */
  private long fusedStepCount;

  private final EmbeddingTable userTable;
  private final EmbeddingTable itemTable;
  private final EmbeddingTable[] contextTables;
  private final Map<String, EmbeddingTable> tablesByName;
  private final NumericStandardizer standardizer;

  private final LossWeighting weighting;
  private final PcGrad pcgrad;
  private final TaskAffinity affinity;

  private final int dim;
  private final int productOffset;
  /** Width of each tower's wide input (the whole dense input) with {@code wide}, else 0. */
  private final int towerWideSize;
  private final int contextOffset;
  private final int numericOffset;
  private final double[] input;
  private final double[] dInput;
  private final double[] dRepresentation;
  private final EmbeddingRow[] exampleRows;
  private final double[] weights;
  private final double[] scales;
  private final double[] lossSums;
  private final int[] labelCounts;
  private final boolean[] present;
  private final double[] meanLosses;
  private final double[] norms;
  private final double[][] taskGrads;
  private final double[] rawNumeric;
  private final boolean[] missingNumeric;
  private final List<EmbeddingRow> touchedRows = new ArrayList<>();
  private double[][] rowGrads = new double[0][];
  // The batched path (learnBatched, predictBatched): batches of at least batchedFrom examples run
  // the shared part once for the whole batch. Buffers hold batchCapacity examples, grown on demand.
  private int batchedFrom = BATCHED_FROM;
  private int batchCapacity;
  private double[][] batchInputRows = new double[0][];
  private double[][] batchInputColumns = new double[0][];
  // The batched predict's shared forward, reused by a learn of the same batch right after it.
  // Every method that changes the shared parameters params[0, sharedLength) must call
  // kept.forget() (learn, importDense, mixDenseParameters, setDenseParameter do).
  private final KeptForward kept = new KeptForward();
  private double[][] batchDInputColumns = new double[0][];
  private double[][] batchDOutColumns = new double[0][];
  private int[] batchTask = new int[0];
  private int[] batchIndex = new int[0];
  private double[] batchLabel = new double[0];
  private double[] batchZ = new double[0];
  private double[] batchDz = new double[0];
  private double[][] batchRepresentationRows = new double[0][];
  private double[][] batchRepresentationColumns = new double[0][];
  private double[][] batchDRepresentationColumns = new double[0][];
  private double[][] batchShadowDx = new double[0][];
  private double[][] batchTaskInputRows = new double[0][];
  private EmbeddingRow[] batchExampleRows = new EmbeddingRow[0];
  private double[][] batchScores = new double[0][];

  private long version;
  private long events;
  private long nextSweep;
  private long lastAffinityEvents;

  // The shadow candidate tower's layout (a tower at offset 0; it reads the task's representation
  // but never sends gradient into the shared part or the embeddings) and its scratch gradient of
  // the representation.
  private final Tower shadowTower;
  private final int towerLength;
  private final double[] shadowDx;
  // Shadow candidate, boosts, re-learning span and task-specific residuals: one value that
  // writes, reads and copies itself (see TransferState).
  private final TransferState transfer;

  private MultiTaskModel(ModelConfig config, List<TaskSpec> tasks) {
    this.config = config;
    this.tasks = tasks;
    this.taskCount = tasks.size();
    Map<String, Integer> index = new HashMap<>();
    for (int t = 0; t < taskCount; t++) {
      index.put(tasks.get(t).name(), t);
    }
    this.taskIndex = Map.copyOf(index);
    this.fingerprint = ConfigCodec.fingerprint(config, tasks);

    this.dim = config.embeddingDim();
    int categorical = config.categoricalFields().size();
    this.productOffset = 2 * dim;
    this.contextOffset = productOffset + (config.productFeatures() ? dim : 0);
    this.numericOffset = contextOffset + categorical * dim;
    int inputSize = numericOffset + config.numericFields().size();
    this.towerWideSize = config.wide() ? inputSize : 0;

    this.shared = switch (config.architecture()) {
      case MMOE -> new Cgc(inputSize, config.experts(), 0, config.expertSize(), taskCount);
      case CGC -> new Cgc(inputSize, config.experts(), config.taskExperts(), config.expertSize(),
          taskCount);
      case SHARED_BOTTOM -> new SharedBottom(inputSize, config.hiddenSizes());
    };
    this.sharedLength = shared.parameterCount();
    this.towers = new Tower[taskCount];
    int offset = sharedLength;
    for (int t = 0; t < taskCount; t++) {
      towers[t] = new Tower(offset, shared.outputSize(), config.towerSize(), towerWideSize);
      offset = towers[t].end();
    }
    this.params = new double[offset];
    this.grads = new double[offset];
    this.touched = new TouchedBlocks(offset);
    SplittableRandom random = new SplittableRandom(config.seed());
    shared.initInPlace(params, random);
    for (Tower tower : towers) {
      tower.initInPlace(params, random);
    }
    this.optimizer = switch (config.optimizer()) {
      case SGD -> new Sgd();
      case ADAGRAD -> new Adagrad();
      case ADAM -> new Adam();
    };
    this.optimizerState = new double[optimizer.stateSlots() * offset];
    this.rankOne = optimizer.rankOneUpdate(optimizerState, config.denseLearningRate());
    this.shadowTower = new Tower(0, shared.outputSize(), config.towerSize(), towerWideSize);
    this.towerLength = shadowTower.end();
    this.shadowDx = new double[shared.outputSize()];
    this.transfer = new TransferState(taskCount, towerLength, optimizer.stateSlots(), dim);

    int slots = optimizer.stateSlots();
    this.userTable = new EmbeddingTable(USER, dim, slots, config.admissionThreshold(),
        config.embeddingInitScale(), config.seed());
    this.itemTable = new EmbeddingTable(ITEM, dim, slots, config.admissionThreshold(),
        config.embeddingInitScale(), config.seed());
    this.contextTables = new EmbeddingTable[categorical];
    Map<String, EmbeddingTable> byName = new TreeMap<>();
    byName.put(USER, userTable);
    byName.put(ITEM, itemTable);
    for (int c = 0; c < categorical; c++) {
      String name = contextTableName(config.categoricalFields().get(c));
      contextTables[c] = new EmbeddingTable(name, dim, slots, config.admissionThreshold(),
          config.embeddingInitScale(), config.seed());
      byName.put(name, contextTables[c]);
    }
    this.tablesByName = Collections.unmodifiableMap(byName);
    this.standardizer = new NumericStandardizer(config.numericFields().size());

    double[] fixed = new double[taskCount];
    for (int t = 0; t < taskCount; t++) {
      fixed[t] = config.taskWeight(tasks.get(t).name());
    }
    this.weighting = switch (config.weighting()) {
      case FIXED -> new FixedWeighting(fixed);
      case NORMALISED -> new FixedWeighting(LossNormalisation.weights(fixed, tasks));
      case UNCERTAINTY -> new UncertaintyWeighting(fixed, config.weightingLearningRate());
      case GRADNORM -> new GradNormWeighting(fixed, config.gradNormAlpha(),
          config.weightingLearningRate());
      case DWA -> new DwaWeighting(taskCount);
    };
    this.pcgrad = config.pcgrad() ? new PcGrad(sharedLength) : null;
    this.affinity = new TaskAffinity(taskCount, sharedLength, config.affinityDecay());

    this.input = new double[inputSize];
    this.dInput = new double[inputSize];
    this.dRepresentation = new double[shared.outputSize()];
    this.exampleRows = new EmbeddingRow[2 + categorical];
    this.weights = new double[taskCount];
    this.scales = new double[taskCount];
    for (int t = 0; t < taskCount; t++) {
      scales[t] = config.lossScale(tasks.get(t).name());
    }
    this.lossSums = new double[taskCount];
    this.labelCounts = new int[taskCount];
    this.present = new boolean[taskCount];
    this.meanLosses = new double[taskCount];
    this.norms = new double[taskCount];
    this.taskGrads = new double[taskCount][sharedLength];
    this.rawNumeric = new double[config.numericFields().size()];
    this.missingNumeric = new boolean[config.numericFields().size()];
    this.nextSweep = config.rowExpiryEvents();
  }

  /**
   * A new model with freshly (seeded) initialised parameters and no learned state.
   *
   * @param config hyperparameters
   * @param tasks the tasks, at least one, distinct names; their order is the model's task order
   * @throws IllegalArgumentException for no tasks, duplicate names, or a per-task setting (weight,
   *     loss scale) naming a task that is not in {@code tasks}
   */
  public static MultiTaskModel create(ModelConfig config, List<TaskSpec> tasks) {
    Objects.requireNonNull(config, "config");
    List<TaskSpec> copy = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("tasks: at least one task is required");
    }
    List<String> names = copy.stream().map(TaskSpec::name).toList();
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("tasks: names must be distinct, got " + names);
    }
    for (String key : config.taskWeights().keySet()) {
      if (!names.contains(key)) {
        throw new IllegalArgumentException(
            "taskWeights." + key + ": no such task; tasks are " + names);
      }
    }
    for (String key : config.lossScales().keySet()) {
      if (!names.contains(key)) {
        throw new IllegalArgumentException(
            "lossScales." + key + ": no such task; tasks are " + names);
      }
    }
    if (config.weighting() == ModelConfig.Weighting.GRADNORM) {
      for (String name : names) {
        if (!(config.taskWeight(name) > 0)) {
          throw new IllegalArgumentException("taskWeights." + name
              + ": GradNorm needs a positive initial weight, got " + config.taskWeight(name));
        }
      }
    }
    return new MultiTaskModel(config, copy);
  }

  /** The hyperparameters. */
  public ModelConfig config() {
    return config;
  }

  @Override
  public List<TaskSpec> tasks() {
    return tasks;
  }

  @Override
  public long version() {
    return version;
  }

  /** Number of labelled examples learned so far (the clock of row expiry). */
  public long events() {
    return events;
  }

  @Override
  public List<Map<String, Double>> predict(List<Example> batch) {
    Objects.requireNonNull(batch, "batch");
    if (batch.size() >= batchedFrom) {
      return predictBatched(batch);
    }
    List<Map<String, Double>> out = new ArrayList<>(batch.size());
    String[] names = taskNames();
    double[] scores = new double[taskCount];
    for (int i = 0; i < batch.size(); i++) {
      forwardShared(batch, i);
      for (int t = 0; t < taskCount; t++) {
        double z = towers[t].forward(params, shared.output(t), input, 0)
            + residualScore(t, batch.get(i), input);
        scores[t] = Losses.score(tasks.get(t), z);
      }
      out.add(new TaskScores(names, scores));
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public void learn(List<LabelledExample> batch) {
    validate(batch);
    version++;
    if (batch.isEmpty()) {
      return;
    }
    weighting.weights(weights);
    Arrays.fill(lossSums, 0.0);
    Arrays.fill(labelCounts, 0);
    for (int i = 0; i < batch.size(); i++) {
      Map<String, Double> labels = batch.get(i).labels();
      for (int t = 0; t < taskCount; t++) {
        if (labels.containsKey(tasks.get(t).name())) {
          labelCounts[t]++;
        }
      }
    }
    boolean measureAffinity = taskCount > 1
        && events + batch.size() - lastAffinityEvents >= config.affinityInterval();
    boolean split = taskCount > 1
        && (pcgrad != null || weighting.needsSharedGradientNorms() || measureAffinity);
    for (int t = 0; t < taskCount; t++) {
      present[t] = labelCounts[t] > 0;
      if (split && present[t]) {
        Arrays.fill(taskGrads[t], 0.0);
      }
    }

    boolean fused = false;
    if (batch.size() >= batchedFrom && singleLabels(batch)) {
      int n = batch.size();
      int chunk = kept.holds(n) ? n : LEARN_CHUNK;
      for (int from = 0; from < n; from += chunk) {
        learnBatched(n <= chunk ? batch : batch.subList(from, Math.min(n, from + chunk)), split);
      }
    } else {
      fused = fusable(batch, split);
      if (fused) {
        fusedStepCount++;
      }
      learnExampleByExample(batch, split, fused);
    }
    kept.forget();
    markRelearningRows(batch);
    finishStep(batch, measureAffinity, split, fused);
  }

  /**
   * Whether this step may step the dense parameters inside backpropagation
   * ({@link RankOneUpdate}), bit-identically to accumulating a gradient and stepping after: one
   * event labelled for one task (so every dense parameter's gradient is a single product), no
   * per-task split of the shared gradient (PCGrad, gradient norms, affinity), the optimizer has a
   * fused form, and every dense parameter steps at the dense rate (no tower or re-learning
   * boost).
   */
  private boolean fusable(List<LabelledExample> batch, boolean split) {
    return fusedSteps && rankOne != null && !split && batch.size() == 1
        && batch.get(0).labels().size() == 1 && transfer.boostTask < 0
        && transfer.relearnTask < 0;
  }

  /**
   * The body of {@link #learn}, one example at a time; with {@code fused} (see {@link #fusable})
   * the dense parameters are stepped during the backward pass instead of in {@link #updateDense}.
   */
  private void learnExampleByExample(List<LabelledExample> batch, boolean split,
      boolean fused) {
    for (int i = 0; i < batch.size(); i++) {
      LabelledExample labelled = batch.get(i);
      Example example = labelled.example();
      events++;
      resolveRows(example, true);
      gatherInput(example);
      sharedForward();
      Arrays.fill(dInput, 0.0);
      for (int t = 0; t < taskCount; t++) {
        Double label = labelled.labels().get(tasks.get(t).name());
        if (label == null) {
          continue;
        }
        TaskSpec task = tasks.get(t);
        double[] representation = shared.output(t);
        double z = towers[t].forward(params, representation, input, 0)
            + residualScore(t, example, input);
        double scale = scales[t];
        lossSums[t] += scale * Losses.trainingLoss(task, z, label);
        double boost = t == transfer.lossBoostTask ? transfer.lossBoostFactor : 1.0;
        double dz = boost * weights[t] * scale / labelCounts[t]
            * Losses.trainingGradient(task, z, label);
        if (fused) {
          towers[t].backwardStep(params, representation, dz, rankOne, dRepresentation, input,
              dInput);
        } else {
          towers[t].backward(params, representation, dz, grads, 0, touched, dRepresentation,
              input, 0, dInput);
        }
        accumulateResidual(t, example, input, dz);
        if (t == transfer.shadowTask && transfer.shadowResidual != null) {
          learnShadowResidual(t, example, input, z, label);
        } else if (t == transfer.shadowTask) {
          double zs = shadowTower.forward(transfer.shadowParams, representation, input, 0);
          double dzs = weights[t] * scale / labelCounts[t]
              * Losses.trainingGradient(task, zs, label);
          shadowTower.backward(transfer.shadowParams, representation, dzs, transfer.shadowGrads,
              0, null, shadowDx, input, 0, null);
        }
        if (fused) {
          shared.backwardStep(params, input, t, dRepresentation, rankOne, dInput);
        } else if (split) {
          shared.backward(params, input, t, dRepresentation, taskGrads[t], 0, null, dInput);
        } else {
          shared.backward(params, input, t, dRepresentation, grads, 0, touched, dInput);
        }
      }
      scatterRowGradients();
    }
  }

  /**
   * The end of {@link #learn}: combine gradients, update parameters (unless the step was
   * {@code fused}: they are then already updated) and rows, bookkeeping.
   */
  private void finishStep(List<LabelledExample> batch, boolean measureAffinity, boolean split,
      boolean fused) {
    for (int t = 0; t < taskCount; t++) {
      meanLosses[t] = present[t] ? lossSums[t] / labelCounts[t] : 0.0;
    }
    if (split) {
      combineSharedGradients(measureAffinity);
    }
    if (measureAffinity) {
      lastAffinityEvents = events;
    }
    updateDense(fused);
    stepResiduals();
    if (transfer.shadowTask >= 0 && transfer.shadowResidual == null
        && present[transfer.shadowTask]) {
      transfer.shadowSteps++;
      optimizer.updateDenseInPlace(transfer.shadowParams, transfer.shadowGrads,
          transfer.shadowState, 0, towerLength, transfer.shadowSteps,
          config.denseLearningRate() * transfer.shadowBoost);
      Arrays.fill(transfer.shadowGrads, 0.0);
    }
    updateRows();
    weighting.observe(meanLosses, present,
        weighting.needsSharedGradientNorms() ? norms : null);
    observeNumerics(batch);
    expireRows();
  }

  /** The current loss weight of every task, in task order. */
  public Map<String, Double> lossWeights() {
    weighting.weights(weights);
    Map<String, Double> out = new LinkedHashMap<>();
    for (int t = 0; t < taskCount; t++) {
      out.put(tasks.get(t).name(), weights[t]);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The online affinity of {@code fromTask} towards {@code toTask} (see {@link TaskAffinity}): in
   * [-1, 1], positive when steps on {@code fromTask} also descend {@code toTask}'s loss; 0 while
   * unmeasured and for a task with itself.
   *
   * @throws IllegalArgumentException for a task this model does not have
   */
  public double affinity(String fromTask, String toTask) {
    int from = indexOf(fromTask);
    int to = indexOf(toTask);
    return from == to ? 0.0 : affinity.affinity(from, to);
  }

  /** Every ordered pair's affinity: from-task to (to-task to value), other tasks only. */
  public Map<String, Map<String, Double>> affinities() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (int i = 0; i < taskCount; i++) {
      Map<String, Double> row = new LinkedHashMap<>();
      for (int j = 0; j < taskCount; j++) {
        if (i != j) {
          row.put(tasks.get(j).name(), affinity.affinity(i, j));
        }
      }
      out.put(tasks.get(i).name(), Collections.unmodifiableMap(row));
    }
    return Collections.unmodifiableMap(out);
  }

  /** Sizes and counters of the embedding tables and the dense part. */
  public ModelStats stats() {
    Map<String, ModelStats.TableStats> tables = new LinkedHashMap<>();
    for (EmbeddingTable table : tablesByName.values()) {
      tables.put(table.name(), new ModelStats.TableStats(table.rows(), table.pending(),
          table.admissions(), table.evictions()));
    }
    return new ModelStats(tables, userTable.bytesPerRow(), params.length, version);
  }

  // ---------------------------------------------------------------- shadow candidate towers

  /** How {@link #attachShadow} initialises a candidate tower. */
  public enum ShadowStart {
    /** A copy of the task's incumbent tower (only the optimizer state starts afresh). */
    COPY_INCUMBENT,
    /**
     * Hidden layer: the weighted average of the source tasks' tower hidden layers (weights
     * normalised to sum 1); wide and output weights 0; output bias {@code outputBias}.
     */
    BLEND_SOURCES,
    /**
     * Hidden layer freshly initialised (seeded by the configuration's seed and the model
     * version); wide and output weights 0; output bias {@code outputBias}.
     */
    RESET
  }

  /**
   * Starts a shadow candidate tower for {@code task}: from now on every {@link #learn} also trains
   * the candidate on that task's labelled events, with the same loss weighting, fresh optimizer
   * state and the dense learning rate times {@code learningRateBoost}. The candidate reads the
   * task's representation (for MMoE: through the task's incumbent gate) and sends no gradient
   * into the shared part, the gates or the embeddings, so the incumbent model learns exactly as
   * it would without it. Its state is part of {@link #exportDense()}.
   *
   * @param task the task; must exist
   * @param start how the candidate is initialised; not null
   * @param sourceWeights for {@link ShadowStart#BLEND_SOURCES}: source task to weight (each a
   *     known task other than {@code task}, weights finite and &gt; 0; at least one); ignored
   *     otherwise
   * @param outputBias the candidate's output bias in the training space (a logit for a binary
   *     task, a normalised label for a regression) for {@code BLEND_SOURCES} and {@code RESET};
   *     finite
   * @param learningRateBoost factor on the dense learning rate for the candidate, in [1, 100]
   * @throws IllegalArgumentException for an unknown task or a bad source, weight, bias or boost
   * @throws IllegalStateException if a shadow candidate is already attached
   */
  public void attachShadow(String task, ShadowStart start, Map<String, Double> sourceWeights,
      double outputBias, double learningRateBoost) {
    int t = indexOf(task);
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(sourceWeights, "sourceWeights");
    if (transfer.shadowTask >= 0) {
      throw new IllegalStateException("attachShadow: a shadow candidate for task '"
          + tasks.get(transfer.shadowTask).name()
          + "' is already attached; promote or discard it first");
    }
    if (!Double.isFinite(outputBias)) {
      throw new IllegalArgumentException("outputBias: must be finite, got " + outputBias);
    }
    if (!(learningRateBoost >= 1.0 && learningRateBoost <= 100.0)) {
      throw new IllegalArgumentException(
          "learningRateBoost: must be in [1, 100], got " + learningRateBoost);
    }
    Tower incumbent = towers[t];
    int hiddenLength = incumbent.hiddenEnd() - incumbent.offset();
    switch (start) {
      case COPY_INCUMBENT ->
          System.arraycopy(params, incumbent.offset(), transfer.shadowParams, 0, towerLength);
      case BLEND_SOURCES -> {
        if (sourceWeights.isEmpty()) {
          throw new IllegalArgumentException("sourceWeights: BLEND_SOURCES needs at least one"
              + " source task");
        }
        double total = 0;
        for (Map.Entry<String, Double> e : sourceWeights.entrySet()) {
          int source = indexOf(e.getKey());
          double w = e.getValue() == null ? Double.NaN : e.getValue();
          if (source == t || !(Double.isFinite(w) && w > 0)) {
            throw new IllegalArgumentException("sourceWeights." + e.getKey() + ": must be"
                + " another task with a finite weight > 0, got " + e.getValue());
          }
          total += w;
        }
        Arrays.fill(transfer.shadowParams, 0.0);
        for (Map.Entry<String, Double> e : new TreeMap<>(sourceWeights).entrySet()) {
          int from = towers[indexOf(e.getKey())].offset();
          double w = e.getValue() / total;
          for (int i = incumbent.wideEnd() - incumbent.offset(); i < hiddenLength; i++) {
            transfer.shadowParams[i] += w * params[from + i];
          }
        }
        transfer.shadowParams[towerLength - 1] = outputBias;
      }
      case RESET -> {
        Tower fresh = new Tower(0, shared.outputSize(), config.towerSize(), towerWideSize);
        fresh.initInPlace(transfer.shadowParams, new SplittableRandom(config.seed() ^ (version
            * 0x9E3779B97F4A7C15L) ^ t));
        Arrays.fill(transfer.shadowParams, hiddenLength, towerLength, 0.0);
        transfer.shadowParams[towerLength - 1] = outputBias;
      }
      default -> throw new IllegalStateException("unreachable: " + start);
    }
    Arrays.fill(transfer.shadowGrads, 0.0);
    Arrays.fill(transfer.shadowState, 0.0);
    transfer.shadowSteps = 0;
    transfer.shadowBoost = learningRateBoost;
    transfer.shadowTask = t;
  }

  /**
   * Multiplies {@code task}'s loss weight by {@code factor} for the next {@code events} learned
   * events (its gradient into its tower, the shared part and the embeddings; a shadow candidate's
   * training is not affected), replacing any earlier loss boost. Meant for a recovery span after
   * a drift. Part of {@link #exportDense()}.
   *
   * @throws IllegalArgumentException for an unknown task, a factor outside [1, 100] or negative
   *     events
   */
  public void boostLossWeight(String task, double factor, long events) {
    int t = indexOf(task);
    if (!(factor >= 1.0 && factor <= 100.0)) {
      throw new IllegalArgumentException("factor: must be in [1, 100], got " + factor);
    }
    if (events < 0) {
      throw new IllegalArgumentException("events: must be >= 0, got " + events);
    }
    transfer.lossBoostTask = factor > 1.0 && events > 0 ? t : -1;
    transfer.lossBoostFactor = transfer.lossBoostTask < 0 ? 1.0 : factor;
    transfer.lossBoostUntil = transfer.lossBoostTask < 0 ? 0 : this.events + events;
  }

  /**
   * Speeds up re-learning after a drift of {@code task} for the next {@code events} learned
   * events, replacing any earlier re-learning boost: in each {@link #learn} step, the user and
   * item embedding rows of the batch's events labelled for {@code task} are updated at the
   * embedding learning rate times {@code embeddingFactor} (their whole gradient of that step,
   * other tasks' share included; rows that only other tasks' events touch, context rows and the
   * tables' default rows learn at the usual rate), and the shared dense part (shared-bottom
   * layers, or MMoE experts and gates) at the dense learning rate times {@code sharedFactor}.
   * Only step sizes change: the loss, the gradients and the optimizer state are those of an
   * unboosted step. Unlike a shadow candidate this cannot be undone; it ends by itself. Part of
   * {@link #exportDense()} (format version 4).
   *
   * @param task the task; must exist
   * @param embeddingFactor factor on the embedding learning rate, finite, in [1, 100]
   * @param sharedFactor factor on the shared part's learning rate, finite, in [1, 100]
   * @param events span in learned events, &gt;= 0; 0, or both factors 1, cancels a running boost
   * @throws IllegalArgumentException for an unknown task, a factor outside [1, 100] or negative
   *     events (naming the argument)
   */
  public void boostRelearning(String task, double embeddingFactor, double sharedFactor,
      long events) {
    int t = indexOf(task);
    if (!(embeddingFactor >= 1.0 && embeddingFactor <= 100.0)) {
      throw new IllegalArgumentException(
          "embeddingFactor: must be in [1, 100], got " + embeddingFactor);
    }
    if (!(sharedFactor >= 1.0 && sharedFactor <= 100.0)) {
      throw new IllegalArgumentException(
          "sharedFactor: must be in [1, 100], got " + sharedFactor);
    }
    if (events < 0) {
      throw new IllegalArgumentException("events: must be >= 0, got " + events);
    }
    clearRelearning();
    if (events > 0 && (embeddingFactor > 1.0 || sharedFactor > 1.0)) {
      transfer.relearnTask = t;
      transfer.relearnEmbeddingFactor = embeddingFactor;
      transfer.relearnSharedFactor = sharedFactor;
      transfer.relearnUntil = this.events + events;
    }
  }

  /** The task under a re-learning boost ({@link #boostRelearning}), or null when none is. */
  public String relearningTask() {
    return transfer.relearnTask < 0 ? null : tasks.get(transfer.relearnTask).name();
  }

  /** Collects the user and item rows of the batch's events of the re-learning task. */
  private void markRelearningRows(List<LabelledExample> batch) {
    if (transfer.relearnTask < 0 || transfer.relearnEmbeddingFactor == 1.0) {
      return;
    }
    String name = tasks.get(transfer.relearnTask).name();
    for (LabelledExample labelled : batch) {
      if (labelled.labels().containsKey(name)) {
        markRelearningRow(userTable.lookup(labelled.example().user()));
        markRelearningRow(itemTable.lookup(labelled.example().item()));
      }
    }
  }

  private void markRelearningRow(EmbeddingRow row) {
    if (!row.id().isEmpty()) {
      transfer.relearnRows.add(row);
    }
  }

  private void clearRelearning() {
    transfer.clearRelearning();
  }

  // ---------------------------------------------------------------- task-specific residuals

  /**
   * Starts a shadow candidate for {@code task} that is the incumbent itself (its tower, not a
   * copy, and any residual already promoted for the task) plus a fresh, empty
   * {@link TaskResidual task-specific embedding residual} read only by this task's output,
   * {@code z + d_user(user) . v + u . d_item(item) + u^T M v} (sparse user and item delta rows
   * and one interaction matrix, all zero at the start), learning with fresh Adagrad state at
   * {@code learningRate} from the gradient of the candidate's loss (the incumbent's output plus
   * the residual) on the task's events. No
   * gradient reaches the incumbent's tower, the shared part or the embedding rows, so the
   * incumbent learns exactly as it would without it; {@link #predictShadow} scores the
   * candidate. {@link #promoteShadow} keeps the residual (it then joins the task's output and
   * learns jointly with the model; a residual already promoted for the task is summed with it,
   * exactly); {@link #discardShadow} drops it. Part of {@link #exportDense()} (format version 5).
   *
   * @param task the task; must exist
   * @param learningRate the residual rows' Adagrad learning rate, finite, in (0, 10]
   * @throws IllegalArgumentException for an unknown task or a rate outside (0, 10]
   * @throws IllegalStateException if a shadow candidate is already attached
   */
  public void attachResidualShadow(String task, double learningRate) {
    int t = indexOf(task);
    if (transfer.shadowTask >= 0) {
      throw new IllegalStateException("attachResidualShadow: a shadow candidate for task '"
          + tasks.get(transfer.shadowTask).name()
          + "' is already attached; promote or discard it first");
    }
    if (!(learningRate > 0.0 && learningRate <= 10.0)) {
      throw new IllegalArgumentException("learningRate: must be in (0, 10], got "
          + learningRate);
    }
    clearShadow();
    transfer.shadowResidual = new TaskResidual(dim);
    transfer.shadowResidualRate = learningRate;
    transfer.shadowTask = t;
  }

  /**
   * Delta rows of the residual promoted for {@code task} (0 when it has none); with
   * {@code candidate}, those of the shadow candidate's residual instead (0 when the task has
   * none).
   *
   * @throws IllegalArgumentException for an unknown task
   */
  public int residualRows(String task, boolean candidate) {
    int t = indexOf(task);
    TaskResidual r = !candidate ? transfer.residuals[t]
        : t == transfer.shadowTask ? transfer.shadowResidual : null;
    return r == null ? 0 : r.rows();
  }

  /** The promoted residual's term for task {@code t} on one example (0 without one). */
  private double residualScore(int t, Example example, double[] in) {
    TaskResidual r = transfer.residuals[t];
    return r == null ? 0.0 : r.score(example.user(), example.item(), in, 0);
  }

  /** Adds the task's loss gradient {@code dz} of one example to its promoted residual, if any. */
  private void accumulateResidual(int t, Example example, double[] in, double dz) {
    TaskResidual r = transfer.residuals[t];
    if (r != null) {
      r.accumulate(example.user(), example.item(), in, 0, dz);
    }
  }

  /**
   * Trains the candidate residual on one example of the shadow task: its output is the
   * incumbent's {@code zIncumbent} plus the residual, weighted like the task's loss (without a
   * loss-weight boost, as a candidate tower).
   */
  private void learnShadowResidual(int t, Example example, double[] in, double zIncumbent,
      double label) {
    double z = zIncumbent + transfer.shadowResidual.score(example.user(), example.item(), in, 0);
    double dz = weights[t] * scales[t] / labelCounts[t]
        * Losses.trainingGradient(tasks.get(t), z, label);
    transfer.shadowResidual.accumulate(example.user(), example.item(), in, 0, dz);
  }

  /** One step of every residual that received gradient in this {@link #learn}. */
  private void stepResiduals() {
    for (int t = 0; t < taskCount; t++) {
      if (transfer.residuals[t] != null) {
        transfer.residuals[t].step(transfer.residualRates[t]);
      }
    }
    if (transfer.shadowResidual != null) {
      transfer.shadowResidual.step(transfer.shadowResidualRate);
    }
  }

  /** Promotion of a residual candidate: the task's output keeps the residual from now on. */
  private void promoteResidual() {
    int t = transfer.shadowTask;
    if (transfer.residuals[t] == null) {
      transfer.residuals[t] = transfer.shadowResidual;
    } else {
      transfer.shadowResidual.addInto(transfer.residuals[t]);
    }
    transfer.residualRates[t] = transfer.shadowResidualRate;
    clearShadow();
  }

  /** The task whose shadow candidate is attached, or null when none is. */
  public String shadowTask() {
    return transfer.shadowTask < 0 ? null : tasks.get(transfer.shadowTask).name();
  }

  /**
   * The shadow candidate's scores for the shadow task on {@code batch} (changes nothing, like
   * {@link #predict}).
   *
   * @return one score per example, in the task's score units
   * @throws IllegalStateException if no shadow candidate is attached
   */
  public double[] predictShadow(List<Example> batch) {
    Objects.requireNonNull(batch, "batch");
    if (transfer.shadowTask < 0) {
      throw new IllegalStateException("predictShadow: no shadow candidate is attached");
    }
    double[] out = new double[batch.size()];
    TaskSpec task = tasks.get(transfer.shadowTask);
    int t = transfer.shadowTask;
    TaskResidual candidate = transfer.shadowResidual;
    for (int i = 0; i < batch.size(); i++) {
      forwardShared(batch, i);
      Example example = batch.get(i);
      double z = candidate != null
          ? towers[t].forward(params, shared.output(t), input, 0)
              + residualScore(t, example, input)
              + candidate.score(example.user(), example.item(), input, 0)
          : shadowTower.forward(transfer.shadowParams, shared.output(t), input, 0);
      out[i] = Losses.score(task, z);
    }
    return out;
  }

  /**
   * Runs example {@code i} of {@code batch} through the shared part without learning (its rows
   * looked up, not created); the representations are then in {@code shared.output(t)}.
   *
   * @throws IllegalArgumentException if the example is null
   */
  private void forwardShared(List<Example> batch, int i) {
    Example example = batch.get(i);
    if (example == null) {
      throw new IllegalArgumentException("batch[" + i + "]: must not be null");
    }
    resolveRows(example, false);
    gatherInput(example);
    sharedForward();
  }

  /**
   * Installs the shadow candidate as its task's tower (with its optimizer state) and detaches
   * it; the task's tower then learns at the candidate's boosted rate for {@code recoveryEvents}
   * more learned events (replacing any earlier boost). A residual candidate
   * ({@link #attachResidualShadow}) is kept in the task's output instead (summed into a residual
   * promoted earlier) and keeps learning at its rate; {@code recoveryEvents} is then unused.
   *
   * @throws IllegalArgumentException for a negative {@code recoveryEvents}
   * @throws IllegalStateException if no shadow candidate is attached
   */
  public void promoteShadow(long recoveryEvents) {
    if (recoveryEvents < 0) {
      throw new IllegalArgumentException("recoveryEvents: must be >= 0, got " + recoveryEvents);
    }
    if (transfer.shadowTask < 0) {
      throw new IllegalStateException("promoteShadow: no shadow candidate is attached");
    }
    if (transfer.shadowResidual != null) {
      promoteResidual();
      return;
    }
    Tower tower = towers[transfer.shadowTask];
    System.arraycopy(transfer.shadowParams, 0, params, tower.offset(), towerLength);
    int n = params.length;
    for (int s = 0; s < optimizer.stateSlots(); s++) {
      System.arraycopy(transfer.shadowState, s * towerLength, optimizerState,
          s * n + tower.offset(), towerLength);
    }
    if (recoveryEvents > 0 && transfer.shadowBoost > 1.0) {
      transfer.boostTask = transfer.shadowTask;
      transfer.boostFactor = transfer.shadowBoost;
      transfer.boostUntil = events + recoveryEvents;
    }
    clearShadow();
  }

  /**
   * Drops the shadow candidate; the incumbent is untouched.
   *
   * @throws IllegalStateException if no shadow candidate is attached
   */
  public void discardShadow() {
    if (transfer.shadowTask < 0) {
      throw new IllegalStateException("discardShadow: no shadow candidate is attached");
    }
    clearShadow();
  }

  private void clearShadow() {
    transfer.clearShadow();
  }

  // ---------------------------------------------------------------- state for state stores

  /**
   * The dense state as one versioned blob (see {@link SnapshotFormat}): dense parameters and
   * their optimizer state, weighting and affinity state, numeric standardiser, counters, version
   * and the configuration's fingerprint. Embedding rows are not included.
   */
  public byte[] exportDense() {
    // Parameters, optimizer state, a shadow tower and its state, and the affinity's per-task
    // directions over the shared parameters, plus a margin for the small fields.
    int doubles = params.length + optimizerState.length + transfer.shadowParams.length
        + transfer.shadowState.length + taskCount * sharedLength;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * doubles + 4096);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(SnapshotFormat.DENSE_MAGIC);
      out.writeInt(SnapshotFormat.VERSION);
      out.writeLong(fingerprint);
      out.writeLong(version);
      out.writeLong(events);
      out.writeLong(nextSweep);
      out.writeLong(lastAffinityEvents);
      writeDoubles(out, params);
      writeDoubles(out, optimizerState);
      standardizer.write(out);
      weighting.writeState(out);
      affinity.writeState(out);
      out.writeInt(tablesByName.size());
      for (EmbeddingTable table : tablesByName.values()) {
        out.writeUTF(table.name());
        out.writeLong(table.admissions());
        out.writeLong(table.evictions());
      }
      transfer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Replaces the dense state with a blob from {@link #exportDense()} of a model with an equal
   * configuration and tasks.
   *
   * @throws IllegalArgumentException for a newer format ("supports at most version N"), another
   *     configuration, or a malformed blob; the model is unchanged then only if the header or
   *     fingerprint was the problem
   */
  public void importDense(byte[] blob) {
    Objects.requireNonNull(blob, "blob");
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      int format = SnapshotFormat.readHeader(in, SnapshotFormat.DENSE_MAGIC, "dense blob");
      long print = in.readLong();
      if (print != fingerprint) {
        throw new IllegalArgumentException("dense blob: written by a model with another"
            + " configuration or task list (fingerprint " + Long.toHexString(print)
            + ", this model " + Long.toHexString(fingerprint) + ")");
      }
      kept.forget();
      version = in.readLong();
      events = in.readLong();
      nextSweep = in.readLong();
      lastAffinityEvents = in.readLong();
      readDoubles(in, params, "dense parameters");
      readDoubles(in, optimizerState, "optimizer state");
      standardizer.read(in);
      weighting.readState(in);
      affinity.readState(in);
      int tables = in.readInt();
      for (int i = 0; i < tables; i++) {
        String name = in.readUTF();
        EmbeddingTable table = table(name);
        table.restoreCounters(in.readLong(), in.readLong());
      }
      transfer.read(in, format);
    } catch (IOException e) {
      throw new IllegalArgumentException("dense blob: truncated or malformed", e);
    }
  }

  /**
   * The embedding entries created, updated or evicted since the last drain: row key to the
   * row's binary form (values, per-row optimizer state, sightings, last touch), or to null for
   * an evicted id. Pending ids (below the frequency filter) and the tables' default rows
   * ({@link RowKey#isDefaultRow()}) are entries too. Resets the change tracking.
   */
  public Map<RowKey, byte[]> drainDirtyRows() {
    Map<RowKey, byte[]> out = new LinkedHashMap<>();
    for (EmbeddingTable table : tablesByName.values()) {
      for (Map.Entry<String, byte[]> e : table.drainDirty().entrySet()) {
        out.put(new RowKey(table.name(), e.getKey()), e.getValue());
      }
    }
    return out;
  }

  /**
   * Resets the change tracking of {@link #drainDirtyRows()} without encoding anything: what a
   * caller that keeps no row store (an offline replay) calls after each batch, so that tracking
   * holds no memory and costs no encoding. The next drain reports only later changes.
   */
  public void forgetDirtyRows() {
    for (EmbeddingTable table : tablesByName.values()) {
      table.clearDirty();
    }
  }

  /**
   * Installs one embedding entry from {@link #drainDirtyRows()} (restore from a state store);
   * a null form removes the entry. Not reported by the next drain.
   *
   * @throws IllegalArgumentException for an unknown table or a malformed or misshapen row
   */
  public void importRow(RowKey key, byte[] row) {
    Objects.requireNonNull(key, "key");
    table(key.table()).importRow(key.id(), row);
  }

  /**
   * Writes the whole model (format in {@link SnapshotFormat}): header, configuration and tasks,
   * dense blob, every embedding entry sorted by key.
   */
  public void writeSnapshot(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(SnapshotFormat.SNAPSHOT_MAGIC);
    data.writeInt(SnapshotFormat.VERSION);
    ConfigCodec.write(data, config, tasks);
    byte[] dense = exportDense();
    data.writeInt(dense.length);
    data.write(dense);
    int count = 0;
    List<Map<String, byte[]>> rows = new ArrayList<>();
    for (EmbeddingTable table : tablesByName.values()) {
      Map<String, byte[]> all = table.exportAll();
      rows.add(all);
      count += all.size();
    }
    data.writeInt(count);
    int t = 0;
    for (EmbeddingTable table : tablesByName.values()) {
      for (Map.Entry<String, byte[]> e : rows.get(t++).entrySet()) {
        byte[] key = new RowKey(table.name(), e.getKey()).toBytes();
        data.writeInt(key.length);
        data.write(key);
        data.writeInt(e.getValue().length);
        data.write(e.getValue());
      }
    }
    data.flush();
  }

  /**
   * Reads a model written by {@link #writeSnapshot}.
   *
   * @throws IllegalArgumentException for a newer format ("supports at most version N") or
   *     malformed content
   * @throws IOException if the stream fails or ends early
   */
  public static MultiTaskModel readSnapshot(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int format = SnapshotFormat.readHeader(data, SnapshotFormat.SNAPSHOT_MAGIC, "snapshot");
    ConfigCodec.Decoded decoded = ConfigCodec.read(data, format);
    MultiTaskModel model = create(decoded.config(), decoded.tasks());
    byte[] dense = new byte[data.readInt()];
    data.readFully(dense);
    model.importDense(dense);
    int count = data.readInt();
    for (int i = 0; i < count; i++) {
      byte[] key = new byte[data.readInt()];
      data.readFully(key);
      byte[] row = new byte[data.readInt()];
      data.readFully(row);
      model.importRow(RowKey.fromBytes(key), row);
    }
    return model;
  }

  // ---------------------------------------------------------------- replica sync (scale-out)

  /**
   * Identifies this model's configuration and task list (the same value that the dense blob and
   * the snapshot carry): two models may exchange dense parameters only if their fingerprints are
   * equal.
   */
  public long fingerprint() {
    return fingerprint;
  }

  /**
   * A copy of the dense parameters: the shared part first, then each task's tower in task order
   * ({@link #stats()} gives their number). No optimizer state, no shadow candidate, no embedding
   * rows. The copy is the caller's.
   */
  public double[] denseParameters() {
    return params.clone();
  }

  /**
   * Moves the dense parameters towards {@code mean} (model averaging between replicas):
   * {@code theta[i] <- (1 - rate) * theta[i] + rate * mean[i]} for every dense parameter, except
   * the tower of a task in a learning-rate boost (after a promotion, until the boost ends),
   * which keeps its own values: it is re-learning fast at the boosted rate, and pulling it
   * towards replicas that have not promoted would undo that. A shadow candidate is never mixed
   * (it is not among the dense parameters); optimizer state, loss weighting, counters and the
   * version are unchanged. {@code rate} 0 changes nothing; 1 copies {@code mean}.
   *
   * @param meanFingerprint the {@link #fingerprint()} of the models {@code mean} was averaged
   *     from; must equal this model's
   * @param mean the mean dense parameters of other replicas, laid out as
   *     {@link #denseParameters()}; finite; not modified
   * @param rate the mixing rate, in [0, 1]
   * @return the number of parameters mixed (all but an excluded tower's)
   * @throws IllegalArgumentException for another fingerprint, a length other than this model's
   *     parameter count (both in the message), a non-finite value or a rate outside [0, 1]; the
   *     model is unchanged then
   */
  public int mixDenseParameters(long meanFingerprint, double[] mean, double rate) {
    Objects.requireNonNull(mean, "mean");
    if (meanFingerprint != fingerprint) {
      throw new IllegalArgumentException("mean: averaged from models with another configuration"
          + " or task list (fingerprint " + Long.toHexString(meanFingerprint) + ", this model "
          + Long.toHexString(fingerprint) + ")");
    }
    if (mean.length != params.length) {
      throw new IllegalArgumentException("mean: has " + mean.length + " parameters, this model "
          + params.length);
    }
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException("rate: must be in [0, 1], got " + rate);
    }
    for (int i = 0; i < mean.length; i++) {
      if (!Double.isFinite(mean[i])) {
        throw new IllegalArgumentException("mean[" + i + "]: must be finite, got " + mean[i]);
      }
    }
    int keepFrom = 0;
    int keepTo = 0;
    if (transfer.boostTask >= 0 && events <= transfer.boostUntil) {
      keepFrom = towers[transfer.boostTask].offset();
      keepTo = towers[transfer.boostTask].end();
    }
    kept.forget();
    double keep = 1.0 - rate;
    for (int i = 0; i < params.length; i++) {
      if (i < keepFrom || i >= keepTo) {
        params[i] = keep * params[i] + rate * mean[i];
      }
    }
    return params.length - (keepTo - keepFrom);
  }

  /**
   * Boosts {@code task}'s tower learning rate by {@code factor} for the next {@code events}
   * learned events, replacing any earlier tower boost: what a promotion does to the promoted
   * task ({@link #promoteShadow}) without installing a candidate. Used when another replica
   * promoted a candidate for this task. Part of {@link #exportDense()}.
   *
   * @throws IllegalArgumentException for an unknown task, a factor outside [1, 100] or negative
   *     events
   */
  public void boostTowerLearningRate(String task, double factor, long events) {
    int t = indexOf(task);
    if (!(factor >= 1.0 && factor <= 100.0)) {
      throw new IllegalArgumentException("factor: must be in [1, 100], got " + factor);
    }
    if (events < 0) {
      throw new IllegalArgumentException("events: must be >= 0, got " + events);
    }
    if (factor > 1.0 && events > 0) {
      transfer.boostTask = t;
      transfer.boostFactor = factor;
      transfer.boostUntil = this.events + events;
    } else {
      transfer.boostTask = -1;
      transfer.boostFactor = 1.0;
      transfer.boostUntil = 0;
    }
  }

  /**
   * The task whose tower currently learns at a boosted rate (after a promotion, here or on
   * another replica), or null when none does.
   */
  public String boostedTask() {
    return transfer.boostTask >= 0 && events <= transfer.boostUntil
        ? tasks.get(transfer.boostTask).name() : null;
  }

  // ---------------------------------------------------------------- new tasks at runtime

  /**
   * A copy of this model that also learns {@code task}, appended as the last task: every learned
   * state is carried over (embedding rows and their optimizer state, the shared part, the other
   * tasks' towers and gates, dense optimizer state, numeric standardiser, loss-weighting and
   * affinity state, a shadow candidate, boosts and re-learning spans, counters, version), and
   * the new task gets a fresh seeded tower (and, under MMoE, a fresh gate; under CGC, fresh
   * private experts and gate) with zero optimizer state. Right after the call the copy predicts
   * every old task bit-for-bit as this model does; the version continues.
   *
   * <p>The copy's configuration is this one with {@code taskWeights[task] = lossWeight}, and its
   * task list this one plus {@code task}, so a restarted instance rebuilds the grown model with
   * {@code create(grown.config(), grown.tasks())} and then imports its dense blob and rows (the
   * fingerprint covers both). The new gate and tower are the values {@code create} draws for
   * them with that configuration and task list.
   *
   * <p>This model is not changed and stays usable. The copy starts with no change tracking: its
   * rows equal this model's, but rows changed in this model since the last
   * {@link #drainDirtyRows()} are not reported by the copy's first drain (drain this model
   * first).
   *
   * @param task the new task; its name must not be one of this model's tasks
   * @param lossWeight the task's fixed loss weight (the initial weight under GradNorm), finite,
   *     &gt;= 0 (&gt; 0 under GradNorm)
   * @return the grown model
   * @throws IllegalArgumentException for a task this model already has (naming its tasks) or a
   *     bad weight
   */
  public MultiTaskModel withTask(TaskSpec task, double lossWeight) {
    Objects.requireNonNull(task, "task");
    if (taskIndex.containsKey(task.name())) {
      throw new IllegalArgumentException("task '" + task.name() + "': already in this model;"
          + " tasks are " + tasks.stream().map(TaskSpec::name).toList());
    }
    if (!(Double.isFinite(lossWeight) && lossWeight >= 0)) {
      throw new IllegalArgumentException("lossWeight of task '" + task.name()
          + "': must be finite and >= 0, got " + lossWeight);
    }
    Map<String, Double> weightsByTask = new HashMap<>(config.taskWeights());
    weightsByTask.put(task.name(), lossWeight);
    List<TaskSpec> grownTasks = new ArrayList<>(tasks);
    grownTasks.add(task);
    MultiTaskModel grown = create(config.withWeighting(config.weighting(), weightsByTask),
        grownTasks);
    grown.copyStateOf(this);
    return grown;
  }

  /**
   * The raw output ({@code z}, in the training space of {@code towerTask}: a logit for a binary
   * task, a normalised label for a regression) of {@code towerTask}'s tower applied to
   * {@code representationTask}'s representation of each example (under shared-bottom every task
   * has the same representation; under MMoE it passes through {@code representationTask}'s
   * gate). Changes nothing, like {@link #predict}. Used to fit a new task's read-out of a related
   * task's tower.
   *
   * @throws IllegalArgumentException for an unknown task or a null example
   */
  public double[] towerOutputs(String towerTask, String representationTask,
      List<Example> batch) {
    int tower = indexOf(towerTask);
    int representation = indexOf(representationTask);
    Objects.requireNonNull(batch, "batch");
    double[] out = new double[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      forwardShared(batch, i);
      out[i] = towers[tower].forward(params, shared.output(representation), input, 0);
    }
    return out;
  }

  /**
   * Starts a shadow candidate for {@code task} (as {@link #attachShadow} does, with the same
   * guard semantics) whose tower is {@code source}'s tower with an affine read-out: hidden layer
   * copied, output {@code z = scale * z_source + shift}, i.e. output weights and wide weights
   * times {@code scale} and output bias {@code scale * b_source + shift}. The candidate reads
   * {@code task}'s representation, so fit {@code scale} and {@code shift} on
   * {@link #towerOutputs}{@code (source, task, ...)}. It also starts from the source tower's
   * optimizer state (and, for Adam's bias correction, step count {@link #version()}), so a
   * trained tower keeps the small per-coordinate steps it had: with fresh Adagrad state every
   * first step is the full learning rate per coordinate, which wrecked the copied tower at the
   * default dense rate (measured: shadow loss 2.67 against the fresh tower's 1.04). That state is
   * rescaled ({@link io.tandem.model.optim.Optimizer#rescaleState}) by the ratio of the task's
   * current loss weight to the source's, since the candidate's gradients carry the task's weight
   * (measured under the normalised weighting, a regression task onboarded from a binary one:
   * shadow loss 0.861 without the rescale, 0.585 with it, against the fresh tower's 0.974).
   *
   * @param learningRateBoost factor on the dense learning rate for the candidate, in [1, 100]
   * @throws IllegalArgumentException for an unknown task or source, a source equal to the task,
   *     non-finite {@code scale} or {@code shift}, or a boost outside [1, 100]
   * @throws IllegalStateException if a shadow candidate is already attached
   */
  public void attachShadowFromTower(String task, String source, double scale, double shift,
      double learningRateBoost) {
    if (!Double.isFinite(scale) || !Double.isFinite(shift)) {
      throw new IllegalArgumentException("scale/shift: must be finite, got " + scale + ", "
          + shift);
    }
    attachShadow(task, ShadowStart.BLEND_SOURCES, Map.of(source, 1.0), 0.0, learningRateBoost);
    Tower from = towers[indexOf(source)];
    int wideLength = from.wideEnd() - from.offset();
    int hiddenLength = from.hiddenEnd() - from.offset();
    // z = w2 . h + b2 + v . w: the terms linear in z (the wide weights v, the output weights w2
    // and the bias b2) are scaled; the hidden layer feeding h is kept.
    for (int i = 0; i < towerLength - 1; i++) {
      if (i < wideLength || i >= hiddenLength) {
        transfer.shadowParams[i] = scale * params[from.offset() + i];
      }
    }
    transfer.shadowParams[towerLength - 1] = scale * params[from.end() - 1] + shift;
    int n = params.length;
    for (int slot = 0; slot < optimizer.stateSlots(); slot++) {
      System.arraycopy(optimizerState, slot * n + from.offset(), transfer.shadowState,
          slot * towerLength, towerLength);
    }
    // The source tower's state was accumulated at the source's loss weight; the candidate's
    // gradients carry the task's weight (e.g. x12 for a regression under the normalised
    // weighting), so the state is rescaled to keep its step sizes.
    weighting.weights(weights);
    double sourceWeight = weights[indexOf(source)];
    double taskWeight = weights[indexOf(task)];
    if (sourceWeight > 0 && taskWeight > 0 && sourceWeight != taskWeight) {
      optimizer.rescaleState(transfer.shadowState, towerLength, taskWeight / sourceWeight);
    }
    transfer.shadowSteps = version;
  }

  /**
   * Copies every learned state of {@code smaller}, a model of the same configuration (but for
   * the new task's weight) with this model's tasks minus the last, into this fresh model; the
   * last task's gate and tower keep their fresh values.
   */
  private void copyStateOf(MultiTaskModel smaller) {
    int oldShared = smaller.sharedLength;
    int oldLength = smaller.params.length;
    int newLength = params.length;
    // Layout: [shared part | towers in task order]. Every shared part appends a task's own
    // parameters at its end (MMoE: its gate; CGC: its private experts and gate; shared-bottom:
    // none), so the old shared part is a prefix of the new one, and the old towers move up by the
    // new task's shared parameters; the new tower ends the array.
    int shift = sharedLength - oldShared;
    for (int s = 0; s <= optimizer.stateSlots(); s++) {
      double[] from = s == 0 ? smaller.params : smaller.optimizerState;
      double[] to = s == 0 ? params : optimizerState;
      int fromBase = s == 0 ? 0 : (s - 1) * oldLength;
      int toBase = s == 0 ? 0 : (s - 1) * newLength;
      System.arraycopy(from, fromBase, to, toBase, oldShared);
      System.arraycopy(from, fromBase + oldShared, to, toBase + oldShared + shift,
          oldLength - oldShared);
    }
    version = smaller.version;
    events = smaller.events;
    nextSweep = smaller.nextSweep;
    lastAffinityEvents = smaller.lastAffinityEvents;
    batchedFrom = smaller.batchedFrom;
    try {
      ByteArrayOutputStream numeric = new ByteArrayOutputStream();
      smaller.standardizer.write(new DataOutputStream(numeric));
      standardizer.read(new DataInputStream(new ByteArrayInputStream(numeric.toByteArray())));
      weighting.readState(new DataInputStream(new ByteArrayInputStream(
          grownWeightingState(smaller.weighting, weighting, taskCount))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    affinity.copyFrom(smaller.affinity);
    for (EmbeddingTable table : smaller.tablesByName.values()) {
      EmbeddingTable mine = table(table.name());
      for (Map.Entry<String, byte[]> row : table.exportAll().entrySet()) {
        mine.importRow(row.getKey(), row.getValue());
      }
      mine.restoreCounters(table.admissions(), table.evictions());
    }
    transfer.copyFrom(smaller.transfer);
  }

  /**
   * The state of {@code grown} (fresh, {@code tasks} tasks) with the first {@code tasks - 1}
   * tasks' part taken from {@code old}. Every {@link LossWeighting} writes its state as one
   * fixed-size record per task in task order (FIXED: empty records), which is checked here: the
   * result is {@code old}'s records followed by {@code grown}'s last record.
   *
   * @throws IllegalStateException if the states are not laid out as per-task records
   */
  private static byte[] grownWeightingState(LossWeighting old, LossWeighting grown, int tasks)
      throws IOException {
    ByteArrayOutputStream oldBytes = new ByteArrayOutputStream();
    old.writeState(new DataOutputStream(oldBytes));
    ByteArrayOutputStream freshBytes = new ByteArrayOutputStream();
    grown.writeState(new DataOutputStream(freshBytes));
    byte[] before = oldBytes.toByteArray();
    byte[] fresh = freshBytes.toByteArray();
    int record = fresh.length / tasks;
    if (fresh.length % tasks != 0 || before.length != record * (tasks - 1)) {
      throw new IllegalStateException("loss weighting " + grown.getClass().getSimpleName()
          + ": state of " + before.length + " bytes for " + (tasks - 1) + " tasks and "
          + fresh.length + " for " + tasks + " is not one record per task");
    }
    byte[] out = Arrays.copyOf(before, fresh.length);
    System.arraycopy(fresh, before.length, out, before.length, record);
    return out;
  }

  // ---------------------------------------------------------------- package-private, for tests

  /**
   * Sets the smallest batch that runs the shared part batched (tests compare both paths);
   * {@code Integer.MAX_VALUE} turns the batched path off.
   */
  void batchedFrom(int size) {
    batchedFrom = Math.max(1, size);
  }

  /**
   * Turns the fused one-event step ({@link #fusable}) on or off (tests compare both paths; on by
   * default).
   */
  void fusedSteps(boolean enabled) {
    fusedSteps = enabled;
  }

  /** Learn steps that stepped the dense parameters inside backpropagation (for tests). */
  long fusedStepCount() {
    return fusedStepCount;
  }


  /** Sets one dense parameter (gradient checks). */
  void setDenseParameter(int index, double value) {
    kept.forget();
    params[index] = value;
  }

  /** Number of dense parameters of the shared part (they come first). */
  int sharedParameterCount() {
    return sharedLength;
  }

  /** The embedding table called {@code name}. */
  EmbeddingTable table(String name) {
    EmbeddingTable table = tablesByName.get(name);
    if (table == null) {
      throw new IllegalArgumentException(
          "table: no table '" + name + "'; tables are " + tablesByName.keySet());
    }
    return table;
  }

  /**
   * The step objective {@code sum_t w_t s_t mean l_t} of a batch at the current parameters with
   * the current weights, changing nothing (rows resolved as {@link #predict} does).
   */
  double objective(List<LabelledExample> batch) {
    weighting.weights(weights);
    int[] counts = new int[taskCount];
    for (LabelledExample example : batch) {
      for (String task : example.labels().keySet()) {
        counts[taskIndex.get(task)]++;
      }
    }
    double total = 0;
    for (LabelledExample labelled : batch) {
      resolveRows(labelled.example(), false);
      gatherInput(labelled.example());
      sharedForward();
      for (int t = 0; t < taskCount; t++) {
        Double label = labelled.labels().get(tasks.get(t).name());
        if (label != null) {
          TaskSpec task = tasks.get(t);
          double z = towers[t].forward(params, shared.output(t), input, 0)
              + residualScore(t, labelled.example(), input);
          total += weights[t] * scales[t] / counts[t]
              * Losses.trainingLoss(task, z, label);
        }
      }
    }
    return total;
  }

  // ---------------------------------------------------------------- internals

  private int indexOf(String task) {
    Integer t = taskIndex.get(task);
    if (t == null) {
      throw new IllegalArgumentException(
          "task '" + task + "': unknown; this model has tasks " + taskIndex.keySet());
    }
    return t;
  }

  private void validate(List<LabelledExample> batch) {
    Objects.requireNonNull(batch, "batch");
    for (int i = 0; i < batch.size(); i++) {
      LabelledExample example = batch.get(i);
      if (example == null) {
        throw new IllegalArgumentException("batch[" + i + "]: must not be null");
      }
      if (!labelsValid(example.labels())) {
        rejectLabels(i, example.labels());
      }
    }
  }

  /**
   * Whether every label names a task of this model and lies in its range. Looks each task up
   * instead of iterating the labels: iterating an immutable one-entry map allocates an entry set,
   * an entry and two iterators per call.
   */
  private boolean labelsValid(Map<String, Double> labels) {
    int known = 0;
    for (int t = 0; t < taskCount; t++) {
      TaskSpec task = tasks.get(t);
      Double value = labels.get(task.name());
      if (value != null) {
        if (!task.accepts(value)) {
          return false;
        }
        known++;
      }
    }
    return known == labels.size();
  }

  /** Throws the error for the first invalid label of {@code batch[i]}, in the labels' order. */
  private void rejectLabels(int i, Map<String, Double> labels) {
    for (Map.Entry<String, Double> label : labels.entrySet()) {
      Integer t = taskIndex.get(label.getKey());
      if (t == null) {
        throw new IllegalArgumentException("batch[" + i + "]: task '" + label.getKey()
            + "' is unknown; this model has tasks "
            + tasks.stream().map(TaskSpec::name).toList());
      }
      TaskSpec task = tasks.get(t);
      if (!task.accepts(label.getValue())) {
        throw new IllegalArgumentException("batch[" + i + "]: label for task '" + task.name()
            + "' is " + label.getValue() + ", outside its " + task.kind() + " range ["
            + task.labelMin() + ", " + task.labelMax() + "]"
            + (task.kind() == TaskKind.BINARY ? " (must be 0 or 1)" : ""));
      }
    }
  }

  private void resolveRows(Example example, boolean learning) {
    if (learning) {
      exampleRows[0] = userTable.touch(example.user(), events);
      exampleRows[1] = itemTable.touch(example.item(), events);
    } else {
      exampleRows[0] = userTable.lookup(example.user());
      exampleRows[1] = itemTable.lookup(example.item());
    }
    for (int c = 0; c < contextTables.length; c++) {
      String value = example.categorical().get(config.categoricalFields().get(c));
      String id = value == null ? "" : value;
      exampleRows[2 + c] = learning && !id.isEmpty()
          ? contextTables[c].touch(id, events) : contextTables[c].lookup(id);
      if (learning && id.isEmpty()) {
        contextTables[c].markDirty(exampleRows[2 + c]);
      }
    }
  }

  private void gatherInput(Example example) {
    gatherInput(example, input, 0);
  }

  /** Writes the dense input of {@code example} (rows in {@link #exampleRows}) at {@code off}. */
  private void gatherInput(Example example, double[] into, int off) {
    float[] u = exampleRows[0].values();
    float[] v = exampleRows[1].values();
    for (int i = 0; i < dim; i++) {
      into[off + i] = u[i];
      into[off + dim + i] = v[i];
    }
    if (config.productFeatures()) {
      for (int i = 0; i < dim; i++) {
        into[off + productOffset + i] = (double) u[i] * v[i];
      }
    }
    for (int c = 0; c < contextTables.length; c++) {
      float[] row = exampleRows[2 + c].values();
      int base = off + contextOffset + c * dim;
      for (int i = 0; i < dim; i++) {
        into[base + i] = row[i];
      }
    }
    List<String> numeric = config.numericFields();
    for (int f = 0; f < numeric.size(); f++) {
      into[off + numericOffset + f] =
          standardizer.standardise(f, example.numeric().get(numeric.get(f)));
    }
  }

  /** Grows the batched-path buffers to hold {@code n} examples. */
  private void ensureBatchCapacity(int n) {
    if (n <= batchCapacity) {
      return;
    }
    int width = input.length;
    batchInputRows = new double[n][width];
    batchInputColumns = new double[width][n];
    batchDInputColumns = new double[width][n];
    batchDOutColumns = new double[shared.outputSize()][n];
    batchTask = new int[n];
    batchIndex = new int[n];
    batchLabel = new double[n];
    batchZ = new double[n];
    batchDz = new double[n];
    batchRepresentationRows = new double[n][shared.outputSize()];
    batchRepresentationColumns = new double[shared.outputSize()][n];
    batchDRepresentationColumns = new double[shared.outputSize()][n];
    batchShadowDx = new double[shared.outputSize()][n];
    batchTaskInputRows = new double[n][];
    batchExampleRows = new EmbeddingRow[exampleRows.length * n];
    batchScores = new double[taskCount][n];
    batchCapacity = n;
  }

  /** The shared part's per-example forward of {@link #input}. */
  private void sharedForward() {
    shared.forward(params, input);
  }

  /** Learn steps that reused the preceding batched predict's shared forward (for tests). */
  long reusedForwards() {
    return kept.reusedBatches();
  }

  /** Examples those steps recomputed because their input had changed (for tests). */
  long recomputedExamples() {
    return kept.recomputedExamples();
  }

  /** Copies the row-major batch inputs into their column layout. */
  private void transposeInputs(int n) {
    int width = input.length;
    for (int e = 0; e < n; e++) {
      double[] row = batchInputRows[e];
      for (int i = 0; i < width; i++) {
        batchInputColumns[i][e] = row[i];
      }
    }
  }

  /** Whether every example of the batch carries exactly one label. */
  private static boolean singleLabels(List<LabelledExample> batch) {
    for (LabelledExample example : batch) {
      if (example.labels().size() != 1) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ the batched path
  //
  // learnBatched and predictBatched only sequence the steps of a batch: every loop over the
  // batch's examples or columns is a helper of its own, so the two read as an outline of a step,
  // and for the JIT: each helper is hot from the first batches and is compiled by C2 on its own, early and small,
  // and C2 does not inline a helper whose compiled code is already large, so no single method
  // grows into one large compilation unit with all the loops of a step (before: learnBatched
  // was compiled six times in a run of `tandem learn`, up to 57 KB of code each). The paths a
  // drift watch takes only after it starts a candidate (residuals, the shadow tower) are tested
  // in the two sequencing methods and run in helpers of their own, so the uncommon trap that
  // their first use hits throws away only the small sequencing method's code, not a loop
  // compiled with everything inlined into it.

  /**
   * The body of {@link #learn} for a batch of single-label examples, the shared part run once for
   * the whole batch ({@link SharedPart#forwardBatch}, {@link SharedPart#backwardBatch}); the
   * towers, losses and row gradients still go example by example. Bit-identical to the
   * per-example loop: every sum keeps its order.
   */
  private void learnBatched(List<LabelledExample> batch, boolean split) {
    int n = batch.size();
    ensureBatchCapacity(n);
    gatherLabelledBatch(batch, n);
    transposeInputs(n);
    // The preceding predict's forward of this batch, if kept: only the examples whose input
    // changed since (e.g. a new id's row) are recomputed. Either way the activations are exactly
    // those of a fresh forward (KeptForward).
    int changed = kept.changedExamples(batchInputRows, n, batchIndex, n / 2);
    if (changed < 0) {
      shared.forwardBatch(params, batchInputColumns, n);
    } else {
      shared.reforwardExamples(params, batchInputColumns, batchIndex, changed);
    }
    kept.forget();
    clearColumns(batchDInputColumns, n);
    for (int t = 0; t < taskCount; t++) {
      int count = selectTask(t, n);
      if (count == 0) {
        continue;
      }
      gatherTaskRepresentations(t, count);
      towers[t].forwardBatch(params, batchRepresentationColumns, count, batchZ,
          batchTaskInputRows, 0);
      if (transfer.residuals[t] != null) {
        addResidualScores(t, batch, count);
      }
      double boost = t == transfer.lossBoostTask ? transfer.lossBoostFactor : 1.0;
      taskLossGradients(t, count, boost);
      towers[t].backwardBatch(params, batchRepresentationRows, count, batchDz, grads, 0, touched,
          batchDRepresentationColumns, batchTaskInputRows, 0, batchDInputColumns,
          batchIndex);
      if (transfer.residuals[t] != null || t == transfer.shadowTask) {
        learnTransferOfTask(t, batch, count);
      }
      scatterRepresentationGradients(count);
    }
    Arrays.fill(batchTaskInputRows, 0, n, null);
    shared.backwardBatch(params, batchInputRows, n, batchTask, batchDOutColumns, grads,
        split ? taskGrads : null, split ? null : touched, batchDInputColumns);
    scatterBatchRowGradients(n);
  }

  /**
   * Resolves (creating as needed) and gathers the rows of every example of a learned batch: its
   * input row in {@link #batchInputRows}, its rows in {@link #batchExampleRows}, its task and
   * label in {@link #batchTask} and {@link #batchLabel}; counts the events.
   */
  private void gatherLabelledBatch(List<LabelledExample> batch, int n) {
    int slots = exampleRows.length;
    for (int e = 0; e < n; e++) {
      LabelledExample labelled = batch.get(e);
      Example example = labelled.example();
      events++;
      resolveRows(example, true);
      gatherInput(example, batchInputRows[e], 0);
      System.arraycopy(exampleRows, 0, batchExampleRows, e * slots, slots);
      Map.Entry<String, Double> label = labelled.labels().entrySet().iterator().next();
      batchTask[e] = taskIndex.get(label.getKey());
      batchLabel[e] = label.getValue();
    }
  }

  /** Sets {@code columns[i][0, n)} to zero for every column. */
  private static void clearColumns(double[][] columns, int n) {
    for (double[] column : columns) {
      Arrays.fill(column, 0, n, 0.0);
    }
  }

  /**
   * Lists in {@link #batchIndex}, in batch order, the examples of task {@code t}.
   *
   * @return how many there are
   */
  private int selectTask(int t, int n) {
    int count = 0;
    for (int e = 0; e < n; e++) {
      if (batchTask[e] == t) {
        batchIndex[count++] = e;
      }
    }
    return count;
  }

  /**
   * Copies the shared part's representation for task {@code t} of the {@code count} selected
   * examples into {@link #batchRepresentationRows} and {@link #batchRepresentationColumns}, and
   * their input rows into {@link #batchTaskInputRows}.
   */
  private void gatherTaskRepresentations(int t, int count) {
    int outputWidth = shared.outputSize();
    for (int a = 0; a < count; a++) {
      double[] row = batchRepresentationRows[a];
      shared.batchOutput(t, batchIndex[a], row);
      batchTaskInputRows[a] = batchInputRows[batchIndex[a]];
      for (int j = 0; j < outputWidth; j++) {
        batchRepresentationColumns[j][a] = row[j];
      }
    }
  }

  /** Adds task {@code t}'s promoted residual to the selected examples' outputs in {@link #batchZ}. */
  private void addResidualScores(int t, List<LabelledExample> batch, int count) {
    for (int a = 0; a < count; a++) {
      batchZ[a] += residualScore(t, batch.get(batchIndex[a]).example(),
          batchInputRows[batchIndex[a]]);
    }
  }

  /**
   * Adds the selected examples' losses to {@link #lossSums} and writes their output gradients
   * into {@link #batchDz}, weighted (and multiplied by the loss-weight {@code boost}).
   */
  private void taskLossGradients(int t, int count, double boost) {
    TaskSpec task = tasks.get(t);
    double scale = scales[t];
    for (int a = 0; a < count; a++) {
      double label = batchLabel[batchIndex[a]];
      lossSums[t] += scale * Losses.trainingLoss(task, batchZ[a], label);
      batchDz[a] = boost * weights[t] * scale / labelCounts[t]
          * Losses.trainingGradient(task, batchZ[a], label);
    }
  }

  /**
   * What a learned batch does for task {@code t} besides its tower while a transfer is under way:
   * its promoted residual learns, and a shadow candidate (residual or tower) learns from the same
   * examples. Runs after the tower's backward pass, with the output gradients in {@link #batchDz}.
   */
  private void learnTransferOfTask(int t, List<LabelledExample> batch, int count) {
    for (int a = 0; a < count; a++) {
      int e = batchIndex[a];
      accumulateResidual(t, batch.get(e).example(), batchInputRows[e], batchDz[a]);
      if (t == transfer.shadowTask && transfer.shadowResidual != null) {
        learnShadowResidual(t, batch.get(e).example(), batchInputRows[e], batchZ[a],
            batchLabel[e]);
      }
    }
    if (t == transfer.shadowTask && transfer.shadowResidual == null) {
      TaskSpec task = tasks.get(t);
      double scale = scales[t];
      shadowTower.forwardBatch(transfer.shadowParams, batchRepresentationColumns, count, batchZ,
          batchTaskInputRows, 0);
      for (int a = 0; a < count; a++) {
        batchDz[a] = weights[t] * scale / labelCounts[t]
            * Losses.trainingGradient(task, batchZ[a], batchLabel[batchIndex[a]]);
      }
      shadowTower.backwardBatch(transfer.shadowParams, batchRepresentationRows, count, batchDz,
          transfer.shadowGrads, 0, null, batchShadowDx, batchTaskInputRows, 0, null, null);
    }
  }

  /** Copies the selected examples' representation gradients into {@link #batchDOutColumns}. */
  private void scatterRepresentationGradients(int count) {
    int outputWidth = shared.outputSize();
    for (int j = 0; j < outputWidth; j++) {
      double[] from = batchDRepresentationColumns[j];
      double[] to = batchDOutColumns[j];
      for (int a = 0; a < count; a++) {
        to[batchIndex[a]] = from[a];
      }
    }
  }

  /**
   * Adds every example's input gradient (in {@link #batchDInputColumns}) to the gradients of its
   * embedding rows, in batch order, then forgets the batch's rows.
   */
  private void scatterBatchRowGradients(int n) {
    int width = input.length;
    int slots = exampleRows.length;
    for (int e = 0; e < n; e++) {
      System.arraycopy(batchExampleRows, e * slots, exampleRows, 0, slots);
      for (int i = 0; i < width; i++) {
        dInput[i] = batchDInputColumns[i][e];
      }
      scatterRowGradients();
    }
    Arrays.fill(batchExampleRows, 0, n * slots, null);
  }

  /** {@link #predict} for a batch large enough for the batched shared part. */
  private List<Map<String, Double>> predictBatched(List<Example> batch) {
    int n = batch.size();
    ensureBatchCapacity(n);
    gatherPredictedBatch(batch, n);
    transposeInputs(n);
    shared.forwardBatch(params, batchInputColumns, n);
    kept.keep(batchInputRows, n);
    // The towers batched too (bit-identical to Tower.forward per example), task by task.
    for (int t = 0; t < taskCount; t++) {
      towers[t].forwardBatch(params, shared.batchOutputColumns(t), n, batchZ, batchInputRows, 0);
      if (transfer.residuals[t] != null) {
        addPredictedResidualScores(t, batch, n);
      }
      scoreTask(t, n);
    }
    return taskScores(n);
  }

  /**
   * Looks up (without creating) the rows of every example of a predicted batch and gathers its
   * input row into {@link #batchInputRows}.
   *
   * @throws IllegalArgumentException if an example is null
   */
  private void gatherPredictedBatch(List<Example> batch, int n) {
    for (int e = 0; e < n; e++) {
      Example example = batch.get(e);
      if (example == null) {
        throw new IllegalArgumentException("batch[" + e + "]: must not be null");
      }
      resolveRows(example, false);
      gatherInput(example, batchInputRows[e], 0);
    }
  }

  /** Adds task {@code t}'s promoted residual to every example's output in {@link #batchZ}. */
  private void addPredictedResidualScores(int t, List<Example> batch, int n) {
    for (int e = 0; e < n; e++) {
      batchZ[e] += residualScore(t, batch.get(e), batchInputRows[e]);
    }
  }

  /**
   * Task {@code t}'s score of every example, from its output in {@link #batchZ}, into
   * {@link #batchScores}. (The per-example form adds a zero residual term when the task has no
   * residual; {@code z + 0.0} differs from {@code z} only for {@code z = -0.0}, whose score is
   * that of {@code +0.0} for both task kinds, so skipping it changes no score.)
   */
  private void scoreTask(int t, int n) {
    TaskSpec task = tasks.get(t);
    double[] scoresOfTask = batchScores[t];
    for (int e = 0; e < n; e++) {
      scoresOfTask[e] = Losses.score(task, batchZ[e]);
    }
  }

  /** One {@link TaskScores} per example from {@link #batchScores}, the batch's task names shared. */
  private List<Map<String, Double>> taskScores(int n) {
    List<Map<String, Double>> out = new ArrayList<>(n);
    String[] names = taskNames();
    double[] scores = new double[taskCount];
    for (int e = 0; e < n; e++) {
      for (int t = 0; t < taskCount; t++) {
        scores[t] = batchScores[t][e];
      }
      out.add(new TaskScores(names, scores));
    }
    return Collections.unmodifiableList(out);
  }

  /** The task names in model order, for one batch's {@link TaskScores} to share. */
  private String[] taskNames() {
    String[] names = new String[taskCount];
    for (int t = 0; t < taskCount; t++) {
      names[t] = tasks.get(t).name();
    }
    return names;
  }

  private void scatterRowGradients() {
    float[] u = exampleRows[0].values();
    float[] v = exampleRows[1].values();
    double[] gu = rowGradient(exampleRows[0]);
    double[] gv = rowGradient(exampleRows[1]);
    for (int i = 0; i < dim; i++) {
      gu[i] += dInput[i];
      gv[i] += dInput[dim + i];
    }
    if (config.productFeatures()) {
      for (int i = 0; i < dim; i++) {
        double dp = dInput[productOffset + i];
        gu[i] += dp * v[i];
        gv[i] += dp * u[i];
      }
    }
    for (int c = 0; c < contextTables.length; c++) {
      double[] g = rowGradient(exampleRows[2 + c]);
      int base = contextOffset + c * dim;
      for (int i = 0; i < dim; i++) {
        g[i] += dInput[base + i];
      }
    }
  }

  private double[] rowGradient(EmbeddingRow row) {
    int slot = row.batchSlot();
    if (slot < 0) {
      slot = touchedRows.size();
      if (slot == rowGrads.length) {
        rowGrads = Arrays.copyOf(rowGrads, Math.max(8, 2 * slot));
      }
      if (rowGrads[slot] == null) {
        rowGrads[slot] = new double[dim];
      } else {
        Arrays.fill(rowGrads[slot], 0.0);
      }
      row.batchSlot(slot);
      touchedRows.add(row);
    }
    return rowGrads[slot];
  }

  private void combineSharedGradients(boolean measureAffinity) {
    for (int t = 0; t < taskCount; t++) {
      norms[t] = present[t] && weights[t] > 0
          ? Math.sqrt(dot(taskGrads[t], taskGrads[t])) / weights[t] : 0.0;
    }
    if (measureAffinity) {
      affinity.observe(taskGrads, present);
    }
    touched.mark(0, sharedLength);
    if (pcgrad != null) {
      pcgrad.combineInto(taskGrads, present, grads);
    } else {
      for (int t = 0; t < taskCount; t++) {
        if (present[t]) {
          double[] g = taskGrads[t];
          for (int k = 0; k < sharedLength; k++) {
            grads[k] += g[k];
          }
        }
      }
    }
  }

  /**
   * One optimizer step on the dense parameters, then clears the gradient (it is all zero between
   * steps). With SGD or Adagrad only the touched ranges are updated and cleared, which is exact
   * (a zero gradient is a no-op for them); Adam updates everything. After a {@code fused} step
   * the parameters are already stepped and no gradient was written: only the boosts' expiry is
   * checked.
   */
  private void updateDense(boolean fused) {
    if (transfer.boostTask >= 0 && events > transfer.boostUntil) {
      transfer.boostTask = -1;
      transfer.boostFactor = 1.0;
    }
    if (transfer.lossBoostTask >= 0 && events > transfer.lossBoostUntil) {
      transfer.lossBoostTask = -1;
      transfer.lossBoostFactor = 1.0;
    }
    if (transfer.relearnTask >= 0 && events > transfer.relearnUntil) {
      clearRelearning();
    }
    if (fused) {
      return;
    }
    if (optimizer.zeroGradientIsNoOp()) {
      touched.drain((from, to) -> updateDenseRange(from, to, true));
    } else {
      touched.drain((from, to) -> { });
      updateDenseRange(0, params.length, false);
      Arrays.fill(grads, 0.0);
    }
  }

  /**
   * Updates {@code [from, to)}: the shared part during a re-learning boost at its boosted rate,
   * the boosted task's tower (if any) at its boosted rate, the rest at the dense rate; with
   * {@code clear}, the gradient of the range is cleared in the same pass.
   */
  private void updateDenseRange(int from, int to, boolean clear) {
    double rate = config.denseLearningRate();
    if (transfer.relearnTask >= 0 && from < sharedLength) {
      int sharedTo = Math.min(to, sharedLength);
      stepDense(from, sharedTo, rate * transfer.relearnSharedFactor, clear);
      if (sharedTo == to) {
        return;
      }
      from = sharedTo;
    }
    if (transfer.boostTask < 0) {
      stepDense(from, to, rate, clear);
      return;
    }
    int bFrom = Math.max(from, towers[transfer.boostTask].offset());
    int bTo = Math.min(to, towers[transfer.boostTask].end());
    if (bFrom >= bTo) {
      stepDense(from, to, rate, clear);
      return;
    }
    if (from < bFrom) {
      stepDense(from, bFrom, rate, clear);
    }
    stepDense(bFrom, bTo, rate * transfer.boostFactor, clear);
    if (bTo < to) {
      stepDense(bTo, to, rate, clear);
    }
  }

  /** One optimizer step on the dense range {@code [from, to)}, clearing its gradient if asked. */
  private void stepDense(int from, int to, double rate, boolean clear) {
    if (clear) {
      optimizer.updateDenseAndClearInPlace(params, grads, optimizerState, from, to, version,
          rate);
    } else {
      optimizer.updateDenseInPlace(params, grads, optimizerState, from, to, version, rate);
    }
  }

  private void updateRows() {
    double rate = config.embeddingLearningRate();
    double boosted = rate * transfer.relearnEmbeddingFactor;
    for (EmbeddingRow row : touchedRows) {
      optimizer.updateRowInPlace(row.values(), rowGrads[row.batchSlot()], row.state(),
          row.nextUpdate(), transfer.relearnRows.contains(row) ? boosted : rate);
      row.batchSlot(-1);
    }
    touchedRows.clear();
    transfer.relearnRows.clear();
  }

  private void observeNumerics(List<LabelledExample> batch) {
    List<String> numeric = config.numericFields();
    if (numeric.isEmpty()) {
      return;
    }
    for (LabelledExample labelled : batch) {
      Map<String, Double> values = labelled.example().numeric();
      for (int f = 0; f < numeric.size(); f++) {
        Double value = values.get(numeric.get(f));
        missingNumeric[f] = value == null;
        rawNumeric[f] = value == null ? 0.0 : value;
      }
      standardizer.observe(rawNumeric, missingNumeric);
    }
  }

  private void expireRows() {
    long span = config.rowExpiryEvents();
    if (span == 0 || events < nextSweep) {
      return;
    }
    for (EmbeddingTable table : tablesByName.values()) {
      table.expire(events, span);
    }
    nextSweep = events + Math.max(1, span / 8);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /**
   * Writes a length and the values, exactly as {@link DataOutputStream#writeDouble} would write
   * each (big-endian, NaN canonicalised), but through a {@link DoubleBuffer} view a chunk at a
   * time: one bulk copy instead of a stream call per value.
   */
  static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    byte[] chunk = new byte[8 * Math.min(values.length, IO_CHUNK)];
    DoubleBuffer view = ByteBuffer.wrap(chunk).asDoubleBuffer();
    for (int from = 0; from < values.length; from += IO_CHUNK) {
      int count = Math.min(IO_CHUNK, values.length - from);
      view.clear();
      view.put(values, from, count);
      for (int i = 0; i < count; i++) {
        if (Double.isNaN(values[from + i])) {
          view.put(i, Double.longBitsToDouble(Double.doubleToLongBits(values[from + i])));
        }
      }
      out.write(chunk, 0, 8 * count);
    }
  }

  /** Reads what {@link #writeDoubles} wrote into {@code into}, whose length must match. */
  static void readDoubles(DataInputStream in, double[] into, String what)
      throws IOException {
    int n = in.readInt();
    if (n != into.length) {
      throw new IllegalArgumentException(
          "dense blob: " + what + " has " + n + " values, this model has " + into.length);
    }
    byte[] chunk = new byte[8 * Math.min(n, IO_CHUNK)];
    DoubleBuffer view = ByteBuffer.wrap(chunk).asDoubleBuffer();
    for (int from = 0; from < n; from += IO_CHUNK) {
      int count = Math.min(IO_CHUNK, n - from);
      in.readFully(chunk, 0, 8 * count);
      view.clear();
      view.get(into, from, count);
    }
  }
}
