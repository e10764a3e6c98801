/**
 * Testcontainers suites: Tandem against a Kafka broker in a container ({@code org.testcontainers.kafka.KafkaContainer})
 * and the Tandem image itself as a container.
 *
 * <p>Every class is {@code @Testcontainers(disabledWithoutDocker = true)}: where no Docker engine answers, its tests
 * are reported as skipped, not failed. {@code docker/ci.sh} starts an engine, builds registry-free images and runs
 * them with {@code -Dtandem.kafka.image=local/kafka:4.4.0 -Dtandem.image=local/tandem:dev}; see
 * {@link io.tandem.tests.containers.ContainerImages} for the names and their defaults.
 */
package io.tandem.tests.containers;
