/**
 * Optimizers (SGD, Adagrad, Adam) behind one {@link io.tandem.model.optim.Optimizer} interface,
 * applied densely to the dense parameters and sparsely, one row at a time, to embedding rows.
 * State is held by the caller (per row for embeddings) so it is snapshotted with the weights.
 */
package io.tandem.model.optim;
