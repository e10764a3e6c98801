/**
 * A seeded synthetic stream of labelled multi-task events WITH ground truth, after the synthetic
 * protocol of Ma et al., "Modeling Task Relationships in Multi-task Learning with Multi-gate
 * Mixture-of-Experts" (KDD 2018): two tasks ({@code ctr}, binary; {@code preference}, rating 1..5)
 * whose score functions share a component, with their relatedness set by the cosine {@code rho}
 * between the task weight vectors; optional context with a real effect, a daily cycle in the
 * click rate, and a drift schedule.
 *
 * <p>Entry points: {@link io.tandem.model.generator.GeneratorConfig} (what to generate), {@link
 * io.tandem.model.generator.StreamGenerator} (the events), {@link
 * io.tandem.model.generator.OracleReport} (how well the truth itself scores).
 */
package io.tandem.model.generator;
