package io.tandem.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * The learner contract for {@link MultiTaskModel} with one architecture: a subclass says which
 * (small sizes, so the suite stays fast); snapshots are the model's own format.
 */
abstract class MultiTaskModelContract extends OnlineLearnerContract {

  /** The configuration under test, before its seed is set. */
  protected abstract ModelConfig config();

  @Override
  protected final MultiTaskLearner newLearner(List<TaskSpec> tasks, long seed) {
    return MultiTaskModel.create(config().withSeed(seed), tasks);
  }

  @Override
  protected final boolean supportsSnapshots() {
    return true;
  }

  @Override
  protected final byte[] snapshot(MultiTaskLearner learner) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ((MultiTaskModel) learner).writeSnapshot(out);
    return out.toByteArray();
  }

  @Override
  protected final MultiTaskLearner restore(byte[] snapshot) throws IOException {
    return MultiTaskModel.readSnapshot(new ByteArrayInputStream(snapshot));
  }
}
