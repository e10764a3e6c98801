/**
 * Serving without training: {@code tandem serve} follows the newest model snapshots that the
 * learners publish on {@code topics.model} ({@link io.tandem.streams.serve.SnapshotFollower}) and
 * answers {@code /predict} and {@code /model} from them ({@link
 * io.tandem.streams.serve.FollowedModels}).
 */
package io.tandem.streams.serve;
