/**
 * A real single-node Apache Kafka broker (KRaft, combined broker + controller) run inside the
 * current JVM.
 *
 * <p>Used by {@code tandem broker}, {@code tandem demo} and the integration tests. The broker is
 * Kafka's own {@code kafka.server.KafkaRaftServer}, listening on 127.0.0.1 only, so any Kafka
 * client (kcat, the console tools, another JVM) can reach it. Entry point: {@link
 * io.tandem.streams.broker.EmbeddedBroker#start(BrokerSettings)}.
 */
package io.tandem.streams.broker;
