/** Integration tests of the embedded KRaft broker against real Kafka clients. */
package io.tandem.tests.broker;
