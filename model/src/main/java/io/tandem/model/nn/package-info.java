/**
 * Dense network building blocks on plain {@code double[]} arrays: a layout-only
 * {@link io.tandem.model.nn.Linear} layer, the three shared parts behind
 * {@link io.tandem.model.nn.SharedPart} (hard sharing: {@link io.tandem.model.nn.SharedBottom};
 * soft sharing: {@link io.tandem.model.nn.Cgc}, whose case without task-private experts is MMoE)
 * and the
 * per-task {@link io.tandem.model.nn.Tower} (deep, plus an optional wide read-out of the dense
 * input). All parameters of a model live in one flat array (shared part
 * first, then towers), which makes optimizer steps, gradient splits and snapshots simple loops.
 *
 * <p>Plain arrays, not ND4J: at this network size ND4J's fixed ~5-9 µs per operation costs more
 * than the arithmetic (shared/FACTS.md: gemv 32x64 11.7 µs in ND4J vs 0.6 µs on arrays); the
 * JMH benchmark {@code io.tandem.bench.model.LearnBenchmark} measures the learner as built.
 *
 * <p>Two ways through the network, with bit-identical results: per example (matrix-vector loops,
 * used for micro-batches below 8 events) and batched ({@code forwardBatch}/{@code backwardBatch}:
 * a micro-batch held by columns, one array per unit with one value per example, so the innermost
 * loops run over examples and the JIT vectorises them; every sum keeps the per-example order).
 * Measured here, Java 17's C2 vectorised such loops only when the loaded and stored arrays were
 * indexed alike (an offset on the loaded array alone made a loop ~2x slower), which is why the
 * batched layouts are arrays of rows rather than one flat array. Batched MMoE training ran ~2.5x
 * the per-example loop at batch 256 (in-JVM A/B on this machine).
 *
 * <p>A third way for a step of one event labelled for one task: {@code backwardStep} steps each
 * weight row with the optimizer while backpropagating through it
 * ({@link io.tandem.model.optim.RankOneUpdate}), instead of accumulating a gradient array that a
 * separate optimizer pass reads and clears; bit-identical to the per-example backward followed by
 * that pass.
 */
package io.tandem.model.nn;
