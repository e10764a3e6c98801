/**
 * Multi-task loss weighting behind {@link io.tandem.model.weighting.LossWeighting}: fixed weights,
 * fixed weights on normalised losses ({@link io.tandem.model.weighting.LossNormalisation}, the
 * default), uncertainty weighting with the configured weights as priors, GradNorm and DWA; plus
 * {@link io.tandem.model.weighting.PcGrad} for conflicting task gradients on the shared
 * parameters.
 */
package io.tandem.model.weighting;
