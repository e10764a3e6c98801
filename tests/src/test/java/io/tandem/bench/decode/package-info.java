/**
 * Benchmarks of the contract's decoding in {@code io.tandem.schemas}:
 * {@link io.tandem.bench.decode.DecodeCpuComparison} compares the labelled-event codec with its
 * streaming fast path against the same codec without it (tree + JSON Schema path), in one JVM,
 * in CPU time per event.
 */
package io.tandem.bench.decode;
