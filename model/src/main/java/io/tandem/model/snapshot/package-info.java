/**
 * Versioned binary formats of a model: the whole-model snapshot, the dense blob and the
 * configuration codec ({@link io.tandem.model.snapshot.SnapshotFormat},
 * {@link io.tandem.model.snapshot.ConfigCodec}). Embedding rows have their own form in
 * {@link io.tandem.model.embedding.EmbeddingRow}.
 */
package io.tandem.model.snapshot;
