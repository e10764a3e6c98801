package io.tandem.streams.serve;

import io.tandem.model.MultiTaskModel;
import io.tandem.streams.http.LearnerServingModel;
import io.tandem.streams.http.PredictionService;
import io.tandem.streams.http.ServingModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.utils.Utils;

/**
 * The newest snapshot of every stream task's model, as a read-only {@link PredictionService}.
 *
 * <p>A snapshot's key is the stream task id that published it ({@code <subtopology>_<partition>},
 * e.g. {@code 0_3}); it holds the model of the users of input partition 3, so {@link #modelFor}
 * routes a user like Kafka's default partitioner does: {@code toPositive(murmur2(utf8(user))) %
 * partitions}, {@code partitions} being the input topics' partition count.
 *
 * <p>Thread-safety: safe for any thread. {@link #put} replaces a model atomically; each model is
 * read under its own lock (a restored model's predict uses internal buffers).
 */
public final class FollowedModels implements PredictionService {

  private final int partitions;
  private final Map<String, ServingModel> byStreamTask = new ConcurrentHashMap<>();

  /**
   * An empty set of models.
   *
   * @param partitions partition count of the (co-partitioned) input topics, &gt;= 1
   */
  public FollowedModels(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: must be >= 1, got " + partitions);
    }
    this.partitions = partitions;
  }

  /**
   * Installs the newest model of a stream task, replacing the one before (if it is older).
   *
   * @param streamTask the snapshot's key, e.g. {@code 0_3}
   * @param model the restored model; from now on only read
   * @return whether it was installed (false: an equal or newer version is already there)
   */
  public boolean put(String streamTask, MultiTaskModel model) {
    Objects.requireNonNull(streamTask, "streamTask");
    Objects.requireNonNull(model, "model");
    ServingModel serving = LearnerServingModel.of(streamTask, model, new ReentrantLock());
    boolean[] installed = new boolean[1];
    byStreamTask.compute(streamTask, (key, before) -> {
      installed[0] = before == null || before.version() < serving.version();
      return installed[0] ? serving : before;
    });
    return installed[0];
  }

  @Override
  public Optional<ServingModel> modelFor(String user) {
    int partition =
        Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % partitions;
    for (Map.Entry<String, ServingModel> e : byStreamTask.entrySet()) {
      if (partitionOf(e.getKey()) == partition) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  @Override
  public List<ServingModel> all() {
    return new ArrayList<>(new TreeMap<>(byStreamTask).values());
  }

  /** The highest version among the followed models, or 0 while none is there. */
  public long maxVersion() {
    return byStreamTask.values().stream().mapToLong(ServingModel::version).max().orElse(0);
  }

  /** The partition of a stream task id {@code <subtopology>_<partition>}; -1 if malformed. */
  static int partitionOf(String streamTask) {
    int underscore = streamTask.lastIndexOf('_');
    try {
      return Integer.parseInt(streamTask.substring(underscore + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
