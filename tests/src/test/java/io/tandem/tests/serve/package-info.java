/** Serving-only instances: following the model snapshots and answering like the learner. */
package io.tandem.tests.serve;
