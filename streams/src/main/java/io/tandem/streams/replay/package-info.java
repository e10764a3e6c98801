/**
 * The offline replay behind {@code tandem learn}: a file of labelled events in, a file of
 * predictions out, through the same prequential micro-batch loop the stream processor runs
 * ({@link io.tandem.streams.learning.PrequentialTrainer}); only the I/O differs.
 *
 * <p>Entry point: {@link io.tandem.streams.replay.PrequentialReplay}. Users backtest a
 * configuration on recorded traffic with it before they deploy it (River's progressive
 * validation).
 */
package io.tandem.streams.replay;
