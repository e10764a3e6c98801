/**
 * Multi-task loss weighting behind {@link io.tandem.model.weighting.LossWeighting}: fixed weights,
 * uncertainty weighting, GradNorm and DWA; plus {@link io.tandem.model.weighting.PcGrad} for
 * conflicting task gradients on the shared parameters.
 */
package io.tandem.model.weighting;
