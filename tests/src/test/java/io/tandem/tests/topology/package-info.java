/**
 * Integration tests of the learning topology ({@code io.tandem.streams.topology} inside
 * {@code io.tandem.streams.app.TandemApp}) against the shared real KRaft broker: bad input routed
 * to the dead-letter topic, exactly-once restart, and a throughput measurement.
 */
package io.tandem.tests.topology;
