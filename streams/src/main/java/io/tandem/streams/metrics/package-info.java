/**
 * Tandem's Micrometer meters: their names, descriptions and units ({@link
 * io.tandem.streams.metrics.TandemMeters}), and the helpers that register them on the
 * {@link io.micrometer.core.instrument.MeterRegistry} an application passes in.
 *
 * <p>Names are lowercase, dotted, under {@code tandem.}; tags come only from bounded sets
 * ({@code task}, {@code reason}, {@code source}), never from ids.
 */
package io.tandem.streams.metrics;
