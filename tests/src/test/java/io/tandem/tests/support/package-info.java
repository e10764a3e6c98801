/**
 * Shared fixtures for the integration suites: one real Kafka broker per test JVM ({@link
 * io.tandem.tests.support.SharedKafka}) with helpers to create topics, produce records and consume
 * them.
 */
package io.tandem.tests.support;
