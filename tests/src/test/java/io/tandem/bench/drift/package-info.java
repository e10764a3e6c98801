/**
 * JMH benchmarks of the drift detectors in {@code io.tandem.model.drift}: the cost of one
 * {@code update} (target: under 1 microsecond). Run with
 * {@code bash tests/bench.sh 'io.tandem.bench.drift.*'}.
 */
package io.tandem.bench.drift;
