/**
 * Scale-out: keeping the model replicas of all stream tasks close, through Kafka.
 *
 * <p>Each stream task (partition) trains its own replica of the shared dense part. With
 * {@code sync.interval.ms > 0}, every stream task publishes its dense parameters
 * ({@link io.tandem.streams.sync.SyncRecord}, key {@code <application.id>/<stream task>}) on the
 * compacted {@code topics.model-sync} topic, and every stream task reads all of them through a
 * global state store ({@link io.tandem.streams.sync.ReplicaSync#SYNC_STORE}) and mixes in the
 * mean of the others' newer parameters ({@link io.tandem.streams.sync.ReplicaMixer}): periodic
 * model averaging, as in local SGD. The same tick applies transfer promotions that other stream
 * tasks published on {@code topics.transfer-updates}
 * ({@link io.tandem.streams.sync.TransferFollower}), read through a second global store.
 *
 * <p>The learning processor ({@code io.tandem.streams.topology}) drives both; the classes here
 * hold no Kafka client and are tested without a broker.
 */
package io.tandem.streams.sync;
