/**
 * Concept-drift detectors: small online tests that watch one numeric signal (typically a task's
 * per-event error or loss) and say when its distribution has changed.
 *
 * <p>Every detector implements {@link io.tandem.model.drift.DriftDetector} and is configured by
 * one immutable, validated config record whose defaults are the reference parameters:
 * {@link io.tandem.model.drift.Adwin} ({@link io.tandem.model.drift.AdwinConfig}, MOA's ADWIN),
 * {@link io.tandem.model.drift.PageHinkley} ({@link io.tandem.model.drift.PageHinkleyConfig},
 * River's fading Page-Hinkley) and {@link io.tandem.model.drift.Ddm}
 * ({@link io.tandem.model.drift.DdmConfig}, Gama et al.'s DDM). Detectors export and import their
 * learned state as a small versioned binary blob, so a detector survives a restart with the model.
 *
 * <p>{@link io.tandem.model.drift.DetectorEvaluation} measures detection delay, misses and false
 * alarms of any detector on seeded Bernoulli error streams.
 *
 * <p>Pure Java: no Kafka, no metrics, no ND4J.
 */
package io.tandem.model.drift;
