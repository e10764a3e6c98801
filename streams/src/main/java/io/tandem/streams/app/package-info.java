/**
 * The running learner: {@link io.tandem.streams.app.TandemApp} builds the topology, configures
 * and starts Kafka Streams, registers Tandem's meters, and exposes the local models; the
 * exception handlers that keep a stream thread alive on bad output records live here too.
 */
package io.tandem.streams.app;
