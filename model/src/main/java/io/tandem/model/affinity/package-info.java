/**
 * Online task affinity ({@link io.tandem.model.affinity.TaskAffinity}): a running estimate, per
 * ordered task pair, of whether one task's shared-gradient steps help another's loss; the
 * drift/transfer layer reads it to choose transfer sources.
 */
package io.tandem.model.affinity;
