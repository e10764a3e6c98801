/**
 * Optimizers (SGD, Adagrad, Adam) behind one {@link io.tandem.model.optim.Optimizer} interface,
 * applied densely to the dense parameters and sparsely, one row at a time, to embedding rows.
 * State is held by the caller (per row for embeddings) so it is snapshotted with the weights.
 * Adagrad also has a form fused into backpropagation, {@link io.tandem.model.optim.RankOneUpdate},
 * for steps whose every dense gradient is a single product (one event, one task): it steps each
 * weight row as the layer backpropagates through it, with the same results bit for bit.
 */
package io.tandem.model.optim;
