package io.tandem.streams.topology;

import io.tandem.model.MultiTaskModel;
import io.tandem.streams.http.LearnerServingModel;
import io.tandem.streams.http.ServingModel;
import io.tandem.streams.learning.PrequentialTrainer;
import java.util.Objects;

/**
 * The model of one stream task as the rest of the instance sees it: the trainer (and its lock),
 * the model behind it, and a thread-safe {@link ServingModel} view for HTTP threads.
 *
 * @param id the stream task id, e.g. {@code 0_3}
 * @param partition the input partition the model learns from
 * @param trainer the prequential loop; its lock guards {@code model}
 * @param model the model; touch it only while holding {@code trainer.lock()}
 * @param serving a read-only view taking the same lock around every read
 */
record LiveModel(String id, int partition, PrequentialTrainer trainer, MultiTaskModel model,
    ServingModel serving) {

  LiveModel {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(trainer, "trainer");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(serving, "serving");
  }

  /** Wraps a trainer over {@code model}. */
  static LiveModel of(String id, int partition, PrequentialTrainer trainer,
      MultiTaskModel model) {
    return new LiveModel(id, partition, trainer, model,
        LearnerServingModel.of(id, model, trainer.lock(), trainer::watches));
  }
}
