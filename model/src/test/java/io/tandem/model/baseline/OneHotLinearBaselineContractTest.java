package io.tandem.model.baseline;

import io.tandem.model.MultiTaskLearner;
import io.tandem.model.OnlineLearnerContract;
import io.tandem.model.TaskSpec;
import java.util.List;

/** The baseline passes the shared learner contract (no snapshots: not required for it). */
class OneHotLinearBaselineContractTest extends OnlineLearnerContract {

  @Override
  protected MultiTaskLearner newLearner(List<TaskSpec> tasks, long seed) {
    return new OneHotLinearBaseline(BaselineConfig.defaults().withSeed(seed), tasks);
  }
}
