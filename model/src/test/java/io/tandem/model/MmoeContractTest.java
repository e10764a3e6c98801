package io.tandem.model;

import java.util.List;

/** The learner contract for {@link MultiTaskModel} with the MMOE architecture (small sizes). */
class MmoeContractTest extends MultiTaskModelContract {

  @Override
  protected ModelConfig config() {
    return ModelConfig.defaults()
        .withArchitecture(ModelConfig.Architecture.MMOE)
        .withEmbeddingDim(8)
        .withHiddenSizes(List.of(16))
        .withExperts(3, 16)
        .withTowerSize(8);
  }
}
