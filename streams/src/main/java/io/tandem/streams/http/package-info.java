/**
 * Tandem's HTTP query endpoint: {@code GET /predict}, {@code GET /model}, {@code GET /metrics} and
 * {@code GET /health}, served by the JDK's built-in {@code com.sun.net.httpserver} (no extra
 * dependency).
 *
 * <p>Entry point: {@link io.tandem.streams.http.TandemHttpServer}. What it serves comes from two
 * small interfaces the streams layer implements: {@link io.tandem.streams.http.PredictionService}
 * (the models held by this instance, one per stream task) and
 * {@link io.tandem.streams.http.KeyOwnerLocator} (which instance owns a user's key; backed by
 * Kafka Streams' key metadata in {@link io.tandem.streams.http.KafkaStreamsKeyOwnerLocator}). A
 * {@code /predict} for a user owned by another instance is forwarded to that instance once, with a
 * loop-guard header.
 *
 * <p>Every error is a JSON object {@code {"error": code, "reason": text, ...}} with a fitting
 * status code; a stack trace never reaches a client.
 */
package io.tandem.streams.http;
