/**
 * Tandem's Kafka Streams topology: {@link io.tandem.streams.topology.TandemTopology#build} wires
 * the sources, the validating decoders and dead-letter routing, the repartitioning of records not
 * keyed by user, and the learning processor with its named state stores
 * ({@link io.tandem.streams.topology.ModelStores}: a checkpoint plus a log of the micro-batches
 * learned since; {@link io.tandem.streams.topology.BatchLog} and
 * {@link io.tandem.streams.topology.Checkpoint} are public so tools can read the changelogs).
 * With {@code learner.pipelined} (off by default) each learning processor learns its batches on a
 * trainer thread of its own ({@link io.tandem.streams.learning.PipelinedLearning}) while its
 * stream thread goes on, with results identical to learning on the stream thread.
 *
 * <p>{@link io.tandem.streams.topology.LiveModels} is the read path for everything outside the
 * stream threads (HTTP serving, gauges): it implements the HTTP layer's
 * {@link io.tandem.streams.http.PredictionService} with one thread-safe model view per stream
 * task. Processors and value types are package-private.
 */
package io.tandem.streams.topology;
