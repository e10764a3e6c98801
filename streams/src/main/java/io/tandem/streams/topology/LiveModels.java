package io.tandem.streams.topology;

import io.tandem.model.ModelStats;
import io.tandem.model.TaskSpec;
import io.tandem.streams.http.PredictionService;
import io.tandem.streams.http.ServingModel;
import io.tandem.streams.learning.WindowedTaskMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Utils;

/**
 * The registry of the models this instance holds: one per stream task (input partition), added
 * when the learning processor of that task has restored its model from the state stores and
 * removed when the task closes (shutdown, rebalance). This is the read path for everything
 * outside the stream threads: the HTTP server ({@code /predict}, {@code /model}), the metrics
 * gauges and the demo's live table.
 *
 * <p><b>Routing a user.</b> Input topics are keyed by user id (UTF-8) and partitioned by Kafka's
 * default partitioner, so user {@code u} lives in partition
 * {@code toPositive(murmur2(utf8(u))) % partitions}; {@link #modelFor(String)} answers with the
 * local model of that partition, if this instance holds it. {@code partitions} must be the
 * partition count of the input topics (all co-partitioned; {@code topics.partitions} when Tandem
 * created them). For a user whose partition another instance owns, ask Kafka Streams' key
 * metadata ({@code KafkaStreams#queryMetadataForKey} with store
 * {@link ModelStores#DENSE_STORE}).
 *
 * <p><b>Thread-safety.</b> Safe for any thread. Each {@link ServingModel} takes its model's lock
 * (the same lock the stream thread holds while predicting and learning a batch) around every read,
 * so a score and the version that made it always belong together and a request never sees a
 * half-applied update. The lists returned are snapshots.
 */
public final class LiveModels implements PredictionService {

  private final int partitions;
  private final Map<String, LiveModel> byTask = new ConcurrentHashMap<>();

  /**
   * Creates an empty registry.
   *
   * @param partitions partition count of the (co-partitioned) input topics, &gt;= 1
   */
  public LiveModels(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: must be >= 1, got " + partitions);
    }
    this.partitions = partitions;
  }

  /** The partition of {@code user}'s records under Kafka's default partitioner. */
  public int partitionOf(String user) {
    Objects.requireNonNull(user, "user");
    return Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Override
  public Optional<ServingModel> modelFor(String user) {
    int partition = partitionOf(user);
    for (LiveModel m : byTask.values()) {
      if (m.partition() == partition) {
        return Optional.of(m.serving());
      }
    }
    return Optional.empty();
  }

  @Override
  public List<ServingModel> all() {
    List<ServingModel> out = new ArrayList<>();
    for (LiveModel m : sorted()) {
      out.add(m.serving());
    }
    return out;
  }

  /** The highest version among the local models, or 0 while none is registered. */
  public long maxVersion() {
    long max = 0;
    for (LiveModel m : byTask.values()) {
      max = Math.max(max, m.trainer().version());
    }
    return max;
  }

  /**
   * One task's windowed prequential metrics over every local model: AUC and log loss averaged
   * with each model's window size as weight, RMSE as the root of the weighted mean of squares.
   * A metric no local model defines is NaN.
   *
   * @param task a task name
   */
  public WindowedTaskMetrics.Snapshot metrics(String task) {
    double aucSum = 0;
    double aucWeight = 0;
    double lossSum = 0;
    double lossWeight = 0;
    double squareSum = 0;
    double squareWeight = 0;
    int size = 0;
    long total = 0;
    for (LiveModel m : byTask.values()) {
      for (WindowedTaskMetrics.Snapshot s : m.trainer().metrics()) {
        if (!s.task().equals(task) || s.size() == 0) {
          continue;
        }
        size += s.size();
        total += s.total();
        if (!Double.isNaN(s.auc())) {
          aucSum += s.auc() * s.size();
          aucWeight += s.size();
        }
        if (!Double.isNaN(s.logLoss())) {
          lossSum += s.logLoss() * s.size();
          lossWeight += s.size();
        }
        if (!Double.isNaN(s.rmse())) {
          squareSum += s.rmse() * s.rmse() * s.size();
          squareWeight += s.size();
        }
      }
    }
    return new WindowedTaskMetrics.Snapshot(task, size, total,
        aucWeight == 0 ? Double.NaN : aucSum / aucWeight,
        lossWeight == 0 ? Double.NaN : lossSum / lossWeight,
        squareWeight == 0 ? Double.NaN : Math.sqrt(squareSum / squareWeight));
  }

  /** A task's loss weight averaged over the local models; NaN while none is registered. */
  public double lossWeight(String task) {
    double sum = 0;
    int n = 0;
    for (LiveModel m : byTask.values()) {
      Double w = m.serving().lossWeights().get(task);
      if (w != null) {
        sum += w;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * One embedding table's counters summed over the local models (zeros while none holds the
   * table).
   *
   * @param table a table name, e.g. {@code user}
   */
  public ModelStats.TableStats tableStats(String table) {
    long rows = 0;
    long pending = 0;
    long admissions = 0;
    long evictions = 0;
    for (LiveModel m : byTask.values()) {
      ModelStats stats;
      m.trainer().lock().lock();
      try {
        stats = m.model().stats();
      } finally {
        m.trainer().lock().unlock();
      }
      ModelStats.TableStats t = stats.tables().get(table);
      if (t != null) {
        rows += t.rows();
        pending += t.pending();
        admissions += t.admissions();
        evictions += t.evictions();
      }
    }
    return new ModelStats.TableStats(rows, pending, admissions, evictions);
  }

  /**
   * The affinity of {@code fromTask}'s gradient to {@code toTask}'s, averaged over the local
   * models; NaN while none is registered.
   */
  public double affinity(String fromTask, String toTask) {
    double sum = 0;
    int n = 0;
    for (LiveModel m : byTask.values()) {
      m.trainer().lock().lock();
      try {
        sum += m.model().affinity(fromTask, toTask);
      } finally {
        m.trainer().lock().unlock();
      }
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The tasks of the local models (empty while none is registered). */
  public List<TaskSpec> tasks() {
    for (LiveModel m : byTask.values()) {
      return m.trainer().tasks();
    }
    return List.of();
  }

  /**
   * Each local stream task's dense parameters ({@code MultiTaskModel#denseParameters}), copied
   * under its trainer's lock, by stream task id in partition order: for comparing replicas
   * (scale-out tests, diagnostics).
   */
  public Map<String, double[]> denseParameters() {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (LiveModel m : sorted()) {
      m.trainer().lock().lock();
      try {
        out.put(m.id(), m.model().denseParameters());
      } finally {
        m.trainer().lock().unlock();
      }
    }
    return out;
  }

  /** Number of local models. */
  public int size() {
    return byTask.size();
  }

  /** Adds the restored model of a stream task (called by its learning processor). */
  void register(LiveModel model) {
    byTask.put(model.id(), model);
  }

  /** Removes a stream task's model if it is still {@code model} (called on processor close). */
  void unregister(LiveModel model) {
    byTask.remove(model.id(), model);
  }

  /** The registered models by stream task id (package-private: tests and the processor). */
  Optional<LiveModel> byTaskId(String id) {
    return Optional.ofNullable(byTask.get(id));
  }

  private List<LiveModel> sorted() {
    List<LiveModel> out = new ArrayList<>(byTask.values());
    out.sort(Comparator.comparingInt(LiveModel::partition).thenComparing(LiveModel::id));
    return out;
  }
}
