/**
 * Task losses and output links: log loss on a sigmoid for binary tasks, squared loss in a
 * normalised label space for regressions ({@link io.tandem.model.loss.Losses}).
 */
package io.tandem.model.loss;
