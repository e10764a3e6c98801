/**
 * Fault-injection suites on a real broker (issue 8, "survive faults"; issue 4, crash mid-batch):
 * kill -9 of a Tandem instance in a child JVM and recovery from its state directory or from the
 * changelog, a broker outage, seeded bad-input fuzzing, a SASL/PLAIN listener, bounded memory
 * with row expiry, and the rule that nothing uses Java native serialization.
 *
 * <p>The package-private helpers exist only for these tests: {@link
 * io.tandem.tests.faults.ChildTandem} ({@code tandem run} in a child JVM that can be SIGKILLed),
 * {@link io.tandem.tests.faults.PredictionLedger} (a read_committed tail of the predictions),
 * {@link io.tandem.tests.faults.DenseChangelog} (the committed model state, decoded), {@link
 * io.tandem.tests.faults.PacedProducer} (input at a steady rate), {@link
 * io.tandem.tests.faults.Clients} (clients for a test's own broker) and {@link
 * io.tandem.tests.faults.ExpiryMemoryProbe} (the child-JVM side of the memory test).
 */
package io.tandem.tests.faults;
