/**
 * JMH benchmarks of the learner in {@code io.tandem.model}: training throughput (events per
 * second per thread) and allocation per event of shared-bottom and MMoE at batch sizes 1, 64 and
 * 256. Run with {@code bash tests/bench.sh 'io.tandem.bench.model.*' -prof gc}.
 * {@link io.tandem.bench.model.LearnCpuComparison} compares builds of the model module in one JVM,
 * in events per CPU-second (steadier than wall-clock rates on a busy shared machine).
 */
package io.tandem.bench.model;
