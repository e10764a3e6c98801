/**
 * Collisionless embedding tables keyed by raw id ({@link io.tandem.model.embedding.EmbeddingTable})
 * with a frequency filter, expiry, per-row optimizer state and change tracking for state stores;
 * rows ({@link io.tandem.model.embedding.EmbeddingRow}) have a versioned binary form.
 */
package io.tandem.model.embedding;
