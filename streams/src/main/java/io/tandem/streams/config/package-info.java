/**
 * Tandem's configuration: one Kafka-style properties file, environment variables and {@code --set}
 * overrides, resolved and validated into an immutable {@link
 * io.tandem.streams.config.TandemConfig}.
 *
 * <p>Tandem's own keys are declared once with Kafka's {@link
 * org.apache.kafka.common.config.ConfigDef} (name, type, default, validator, documentation) in
 * {@link io.tandem.streams.config.TandemConfigDef}; every other key is a Kafka / Kafka Streams /
 * client key and passes through to Kafka untouched.
 */
package io.tandem.streams.config;
