/**
 * Integration tests of the HTTP query endpoint against a real broker: key ownership from Kafka
 * Streams' metadata and forwarding between two application instances.
 */
package io.tandem.tests.http;
