package io.tandem.streams.http;

import io.tandem.model.Example;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.TaskWatch;
import java.util.List;
import java.util.Map;

/**
 * One model this instance can answer queries from (in Kafka Streams: the model of one stream task,
 * i.e. of one input partition).
 *
 * <p>Thread-safety: every method is called from HTTP threads while a stream thread may be learning
 * on the same model, so implementations must be safe for that (e.g. by taking the same lock the
 * learner's owner takes around {@code learn}, or by serving from a published immutable snapshot).
 */
public interface ServingModel {

  /** A stable id of this model within the instance (e.g. the stream task id {@code 0_3}). */
  String id();

  /** The tasks the model predicts, in a fixed order; never empty. */
  List<TaskSpec> tasks();

  /**
   * Scores one example for every task, without changing the model.
   *
   * @param example the input; not null
   * @return a score per task ({@link #tasks()} order) and the version of the model that made them
   */
  Scores predict(Example example);

  /** Number of learning steps applied so far; never decreases. */
  long version();

  /** The current loss weight of every task (task name to weight); empty if not reported. */
  Map<String, Double> lossWeights();

  /** Rows per embedding table (table name, e.g. {@code user}, to row count); empty if unknown. */
  Map<String, Long> tableRows();

  /** The drift watch of every task, in task order; empty when drift is not watched. */
  default List<TaskWatch> watches() {
    return List.of();
  }
}
