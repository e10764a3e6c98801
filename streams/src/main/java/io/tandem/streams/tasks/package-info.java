/**
 * Tasks declared at runtime: the dynamic task catalog (the configured tasks plus the
 * declarations read from the compacted {@code topics.tasks} topic through a global store), the
 * global store's update processor, and how a learner's grown model shape is stored beside its
 * dense blob so a restart rebuilds it. The learner grows its model and onboards a new task
 * ({@link io.tandem.model.transfer.DriftTransferController#withTask}) when the catalog has a task
 * its model lacks.
 */
package io.tandem.streams.tasks;
