package io.tandem.streams.http;

import io.tandem.model.Example;
import io.tandem.model.ModelStats;
import io.tandem.model.MultiTaskLearner;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.TaskWatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * A {@link ServingModel} over a learner that another thread trains, made safe for HTTP threads by
 * a lock shared with that trainer.
 *
 * <p>Contract: the learner's owner holds the same {@code lock} around every {@code learn} (and
 * restore) call; this class holds it around each read, so a score and the version that made it
 * always belong together. {@link #of(String, MultiTaskModel, Lock)} also reports the model's loss
 * weights and table sizes; {@link #of(String, MultiTaskLearner, Lock)} works for any learner and
 * reports neither (empty maps).
 */
public final class LearnerServingModel implements ServingModel {

  private final String id;
  private final MultiTaskLearner learner;
  private final Lock lock;
  private final List<TaskSpec> tasks;
  private final Supplier<Map<String, Double>> lossWeights;
  private final Supplier<Map<String, Long>> tableRows;
  private final Supplier<List<TaskWatch>> watches;

  private LearnerServingModel(
      String id, MultiTaskLearner learner, Lock lock,
      Supplier<Map<String, Double>> lossWeights, Supplier<Map<String, Long>> tableRows,
      Supplier<List<TaskWatch>> watches) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("id: must be non-empty, got '" + id + "'");
    }
    this.id = id;
    this.learner = Objects.requireNonNull(learner, "learner");
    this.lock = Objects.requireNonNull(lock, "lock");
    this.tasks = List.copyOf(learner.tasks());
    this.lossWeights = lossWeights;
    this.tableRows = tableRows;
    this.watches = watches;
  }

  /**
   * Serves a {@link MultiTaskModel}, with its loss weights and table row counts.
   *
   * @param id the model's id within the instance (e.g. the stream task id); non-empty
   * @param model the model; not null
   * @param lock the lock its trainer holds around {@code learn}; not null
   */
  public static LearnerServingModel of(String id, MultiTaskModel model, Lock lock) {
    return of(id, model, lock, List::of);
  }

  /**
   * Serves a {@link MultiTaskModel} whose tasks are watched for drift.
   *
   * @param watches reads the drift watches (takes the trainer's lock itself); not null
   * @see #of(String, MultiTaskModel, Lock)
   */
  public static LearnerServingModel of(String id, MultiTaskModel model, Lock lock,
      Supplier<List<TaskWatch>> watches) {
    Objects.requireNonNull(model, "model");
    return new LearnerServingModel(id, model, lock, model::lossWeights,
        () -> rowsOf(model.stats()), Objects.requireNonNull(watches, "watches"));
  }

  /**
   * Serves any {@link MultiTaskLearner}; loss weights and table sizes are reported empty.
   *
   * @param id the model's id within the instance; non-empty
   * @param learner the learner; not null
   * @param lock the lock its trainer holds around {@code learn}; not null
   */
  public static LearnerServingModel of(String id, MultiTaskLearner learner, Lock lock) {
    return new LearnerServingModel(id, learner, lock, Map::of, Map::of, List::of);
  }

  private static Map<String, Long> rowsOf(ModelStats stats) {
    Map<String, Long> rows = new TreeMap<>();
    stats.tables().forEach((table, counters) -> rows.put(table, counters.rows()));
    return rows;
  }

  @Override
  public List<TaskWatch> watches() {
    return watches.get();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public List<TaskSpec> tasks() {
    return tasks;
  }

  @Override
  public Scores predict(Example example) {
    Objects.requireNonNull(example, "example");
    lock.lock();
    try {
      Map<String, Double> scores = learner.predict(List.of(example)).get(0);
      return new Scores(scores, learner.version());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long version() {
    lock.lock();
    try {
      return learner.version();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Map<String, Double> lossWeights() {
    lock.lock();
    try {
      return new LinkedHashMap<>(lossWeights.get());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Map<String, Long> tableRows() {
    lock.lock();
    try {
      return tableRows.get();
    } finally {
      lock.unlock();
    }
  }
}
