/**
 * Drift-triggered transfer between the tasks of one {@link io.tandem.model.MultiTaskModel}: a
 * per-task drift watch over a normalised prequential signal, candidate towers warm-started from
 * the most related tasks, and a shadow guard that promotes a candidate only if it beat the
 * incumbent on the task's next events. Kafka-free: the streams layer drives
 * {@link io.tandem.model.transfer.DriftTransferController} and publishes its
 * {@link io.tandem.model.transfer.TransferEvent}s. {@link io.tandem.model.transfer.RecoveryExperiment}
 * measures detection delay, false alarms and recovery on the generator's ground truth.
 */
package io.tandem.model.transfer;
