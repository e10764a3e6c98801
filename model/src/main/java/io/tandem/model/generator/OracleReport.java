package io.tandem.model.generator;

import io.tandem.model.metrics.ScoreAccumulator;
import io.tandem.model.metrics.Scores;
import io.tandem.model.metrics.TargetKind;
import java.util.Iterator;
import java.util.Objects;

/**
 * How well the ground truth itself predicts the labels of a generated stream: the ceiling for
 * any learner (in expectation), to print next to a learner's prequential scores.
 *
 * @param ctrEvents number of ctr events scored
 * @param clickRate empirical mean of the ctr labels (NaN without ctr events)
 * @param ctrAuc exact AUC of the true click probabilities against the clicks
 * @param ctrLogLoss mean log loss of the true click probabilities, nats
 * @param preferenceEvents number of preference events scored
 * @param preferenceRmse RMSE of the expected ratings against the ratings
 * @param preferenceMae MAE of the expected ratings against the ratings
 */
public record OracleReport(long ctrEvents, double clickRate, double ctrAuc, double ctrLogLoss,
    long preferenceEvents, double preferenceRmse, double preferenceMae) {

  /**
   * Scores the truth of every remaining event of {@code events} (consumes the iterator).
   * Tasks other than {@code ctr} and {@code preference} are ignored.
   */
  public static OracleReport of(Iterator<GeneratedEvent> events) {
    Objects.requireNonNull(events, "events");
    ScoreAccumulator ctr = ScoreAccumulator.cumulative(TargetKind.BINARY_LABEL);
    ScoreAccumulator preference = ScoreAccumulator.cumulative(TargetKind.REAL);
    double clicks = 0.0;
    while (events.hasNext()) {
      GeneratedEvent e = events.next();
      if (StreamGenerator.CTR.equals(e.task())) {
        ctr.add(e.truth(), e.label());
        clicks += e.label();
      } else if (StreamGenerator.PREFERENCE.equals(e.task())) {
        preference.add(e.truth(), e.label());
      }
    }
    Scores c = ctr.scores();
    Scores p = preference.scores();
    return new OracleReport(c.count(), c.count() == 0 ? Double.NaN : clicks / c.count(),
        c.auc(), c.logLoss(), p.count(), p.rmse(), p.mae());
  }

  /** Generates {@code config}'s whole stream and scores its truth. */
  public static OracleReport of(GeneratorConfig config) {
    return of(new StreamGenerator(config));
  }
}
