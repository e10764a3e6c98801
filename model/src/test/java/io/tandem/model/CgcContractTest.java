package io.tandem.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * The learner contract for {@link MultiTaskModel} with the CGC architecture (small sizes: 2
 * shared and 2 private experts per task).
 */
class CgcContractTest extends OnlineLearnerContract {

  @Override
  protected MultiTaskLearner newLearner(List<TaskSpec> tasks, long seed) {
    ModelConfig config = ModelConfig.defaults()
        .withArchitecture(ModelConfig.Architecture.CGC)
        .withEmbeddingDim(8)
        .withExperts(2, 16)
        .withTaskExperts(2)
        .withTowerSize(8)
        .withSeed(seed);
    return MultiTaskModel.create(config, tasks);
  }

  @Override
  protected boolean supportsSnapshots() {
    return true;
  }

  @Override
  protected byte[] snapshot(MultiTaskLearner learner) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ((MultiTaskModel) learner).writeSnapshot(out);
    return out.toByteArray();
  }

  @Override
  protected MultiTaskLearner restore(byte[] snapshot) throws IOException {
    return MultiTaskModel.readSnapshot(new ByteArrayInputStream(snapshot));
  }
}
