package io.tandem.model;

import java.util.List;

/** The learner contract for {@link MultiTaskModel} with the SHARED_BOTTOM architecture (small sizes). */
class SharedBottomContractTest extends MultiTaskModelContract {

  @Override
  protected ModelConfig config() {
    return ModelConfig.defaults()
        .withArchitecture(ModelConfig.Architecture.SHARED_BOTTOM)
        .withEmbeddingDim(8)
        .withHiddenSizes(List.of(16))
        .withExperts(3, 16)
        .withTowerSize(8);
  }
}
