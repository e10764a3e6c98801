/**
 * Drift-triggered transfer between the tasks of one {@link io.tandem.model.MultiTaskModel}: a
 * per-task drift watch over a normalised prequential signal (a drift detector and, optionally, a
 * more sensitive warning detector that starts the guarded candidate early), candidates (by default the incumbent
 * plus a task-specific embedding residual, {@link io.tandem.model.transfer.CandidateInit#RESIDUAL};
 * or towers warm-started from the most related tasks), and a shadow guard that promotes a
 * candidate only if it beat the
 * incumbent on the task's next events, plus a bounded re-learning boost of the drifted task's
 * embedding rows and the shared part that the guard does not cover
 * ({@link io.tandem.model.MultiTaskModel#boostRelearning}); and the onboarding of tasks added at runtime
 * ({@link io.tandem.model.transfer.TaskOnboarding}: a new task's tower warm-started from the task
 * whose scores correlate best with its labels, under the same guard;
 * {@link io.tandem.model.transfer.OnboardingExperiment} measures it). Kafka-free: the streams layer drives
 * {@link io.tandem.model.transfer.DriftTransferController} and publishes its
 * {@link io.tandem.model.transfer.TransferEvent}s. {@link io.tandem.model.transfer.RecoveryExperiment}
 * measures detection delay, false alarms and recovery on the generator's ground truth.
 */
package io.tandem.model.transfer;
