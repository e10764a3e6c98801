package io.tandem.model.quality;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskLearner;
import io.tandem.model.generator.GeneratedEvent;
import io.tandem.model.generator.GeneratorConfig;
import io.tandem.model.generator.StreamGenerator;
import io.tandem.model.metrics.PrequentialEvaluator;
import io.tandem.model.metrics.TaskReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Progressive validation of a learner on a generated stream: each micro-batch is predicted, the
 * predictions are scored against labels and ground truth, then the batch is learned. Events
 * before {@code warmup} are learned but not scored.
 *
 * @param ctr report of the {@code ctr} task after warm-up (model, model vs truth, oracle)
 * @param preference report of the {@code preference} task after warm-up
 * @param eventsPerSecond learning throughput of the whole run (predict + learn + scoring)
 */
record PrequentialRun(TaskReport ctr, TaskReport preference, double eventsPerSecond) {

  /**
   * Runs {@code learner} over the stream of {@code generator}.
   *
   * @param batchSize micro-batch size
   * @param warmup events learned before scoring starts
   */
  static PrequentialRun run(MultiTaskLearner learner, GeneratorConfig generator, int batchSize,
      long warmup) {
    PrequentialEvaluator evaluator = new PrequentialEvaluator(StreamGenerator.TASKS, 10_000);
    StreamGenerator stream = new StreamGenerator(generator);
    List<GeneratedEvent> events = new ArrayList<>(batchSize);
    List<Example> examples = new ArrayList<>(batchSize);
    List<LabelledExample> labelled = new ArrayList<>(batchSize);
    long position = 0;
    long start = System.nanoTime();
    while (stream.hasNext()) {
      events.clear();
      examples.clear();
      labelled.clear();
      while (events.size() < batchSize && stream.hasNext()) {
        GeneratedEvent event = stream.next();
        events.add(event);
        LabelledExample l = event.toLabelledExample();
        examples.add(l.example());
        labelled.add(l);
      }
      List<Map<String, Double>> scores = learner.predict(examples);
      for (int i = 0; i < events.size(); i++, position++) {
        if (position >= warmup) {
          GeneratedEvent e = events.get(i);
          evaluator.record(e.task(), scores.get(i).get(e.task()), e.label(), e.truth());
        }
      }
      learner.learn(labelled);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new PrequentialRun(evaluator.overall(StreamGenerator.CTR),
        evaluator.overall(StreamGenerator.PREFERENCE), position / seconds);
  }

  /** Share of the baseline-to-oracle CTR AUC gap this run closed relative to {@code baseline}. */
  double gapClosed(PrequentialRun baseline) {
    double oracle = ctr.oracle().auc();
    return (ctr.model().auc() - baseline.ctr.model().auc())
        / (oracle - baseline.ctr.model().auc());
  }
}
