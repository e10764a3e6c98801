/**
 * The simple online baseline Tandem is measured against: per task, a logistic (binary) or linear
 * (regression) model over one-hot user, item and categorical context plus standardised numeric
 * context, trained by plain SGD, with nothing shared between tasks. {@link
 * io.tandem.model.baseline.BaselineReport} scores it prequentially on the generator's stream
 * next to the oracle.
 */
package io.tandem.model.baseline;
