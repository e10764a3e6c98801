/**
 * End-to-end integration tests: generated streams through a real broker and a real Tandem app,
 * restarts, prediction quality, and interoperability with command-line Kafka clients.
 */
package io.tandem.tests.endtoend;
