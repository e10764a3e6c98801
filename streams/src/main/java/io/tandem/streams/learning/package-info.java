/**
 * Kafka-free prequential (predict-then-learn) learning: the micro-batch loop shared by the
 * streaming topology ({@code io.tandem.streams.topology}) and the offline replay
 * ({@code tandem learn}).
 *
 * <p>{@link io.tandem.streams.learning.PrequentialTrainer} turns validated events into model
 * examples, scores a batch with the model as it is, returns one prediction per event, then learns
 * from the batch; it keeps windowed prequential metrics per task ({@link
 * io.tandem.streams.learning.WindowedTaskMetrics}) and reports each event's loss (the signal for
 * drift detection). {@link io.tandem.streams.learning.PipelinedLearning} runs the learning half
 * of each batch on a trainer thread so that the topology's stream thread goes on meanwhile, with
 * the same results. {@link io.tandem.streams.learning.ModelConfigMapper} maps the
 * {@code model.*} configuration keys to the model's configuration.
 */
package io.tandem.streams.learning;
