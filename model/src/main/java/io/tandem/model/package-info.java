/**
 * Tandem's learner: one shared embedding model trained online on several tasks at once.
 *
 * <p>This module is plain Java (plus ND4J where measurement says it pays). It never imports Kafka,
 * Kafka Streams or Micrometer, so it can be embedded anywhere: a Kafka Streams processor, a batch
 * replay, a notebook. An ArchUnit test keeps it so.
 *
 * <p>Entry points: {@link io.tandem.model.MultiTaskLearner} (predict-then-learn API),
 * {@link io.tandem.model.TaskSpec} (what a task is), {@link io.tandem.model.Example} and
 * {@link io.tandem.model.LabelledExample} (what the learner consumes).
 */
package io.tandem.model;
