/**
 * Dense network building blocks on plain {@code double[]} arrays: a layout-only
 * {@link io.tandem.model.nn.Linear} layer, the two shared parts behind
 * {@link io.tandem.model.nn.SharedPart} (hard sharing: {@link io.tandem.model.nn.SharedBottom};
 * soft sharing: {@link io.tandem.model.nn.Mmoe}) and the per-task
 * {@link io.tandem.model.nn.Tower}. All parameters of a model live in one flat array (shared part
 * first, then towers), which makes optimizer steps, gradient splits and snapshots simple loops.
 *
 * <p>Plain arrays, not ND4J: at this network size ND4J's fixed ~5-9 µs per operation costs more
 * than the arithmetic (shared/FACTS.md: gemv 32x64 11.7 µs in ND4J vs 0.6 µs on arrays); the
 * JMH benchmark {@code io.tandem.bench.model.LearnBenchmark} measures the learner as built.
 */
package io.tandem.model.nn;
