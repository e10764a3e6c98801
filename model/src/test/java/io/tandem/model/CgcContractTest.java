package io.tandem.model;

/**
 * The learner contract for {@link MultiTaskModel} with the CGC architecture (small sizes: 2
 * shared and 2 private experts per task).
 */
class CgcContractTest extends MultiTaskModelContract {

  @Override
  protected ModelConfig config() {
    return ModelConfig.defaults()
        .withArchitecture(ModelConfig.Architecture.CGC)
        .withEmbeddingDim(8)
        .withExperts(2, 16)
        .withTaskExperts(2)
        .withTowerSize(8);
  }
}
