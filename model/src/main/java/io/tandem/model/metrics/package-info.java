/**
 * Prequential (predict-then-learn) quality metrics: exact AUC, log loss, RMSE and MAE, over a
 * whole stream or over a sliding window of the last N events, and a {@link
 * io.tandem.model.metrics.PrequentialEvaluator} that scores a learner's predictions per task
 * against the labels, against the generator's ground truth, and next to the oracle.
 *
 * <p>Pure Java, no dependencies. Nothing here is thread-safe: one thread feeds an accumulator.
 */
package io.tandem.model.metrics;
