package io.tandem.model.generator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The two task weight vectors over time, with relatedness {@code rho}.
 *
 * <p>Math. Let {@code s}, {@code e_ctr}, {@code e_pref} be orthonormal vectors in R^dim (a random
 * shared direction and one random specific direction per task). Task t's weight vector is
 *
 * <pre>
 *   u_t = c * ( sqrt(rho) * s + sqrt(1 - rho) * e_t )
 * </pre>
 *
 * so {@code |u_t| = c} and {@code cos(u_ctr, u_pref) = rho}. This is the MMoE paper's protocol
 * (Ma et al. 2018: {@code u1 = c w1}, {@code u2 = c (rho w1 + sqrt(1 - rho^2) w2)}) made
 * symmetric, so that both tasks have task-specific factors that a drift can re-draw; the
 * cosine is the same {@code rho} in both forms.
 *
 * <p>Drift. A {@link DriftSpec} for task t replaces {@code e_t} by a new random unit vector
 * orthogonal to {@code s}, to t's direction at the drift start and to the other task's direction
 * at the drift start (so, after an abrupt drift, the cosine is still {@code rho} and the new
 * direction is unrelated to the old). A gradual drift blends the old and new directions over its
 * window and renormalises; while two gradual drifts of different tasks overlap the cosine may
 * leave {@code rho}. Drifts are applied in order of {@code atEvent}. Immutable after
 * construction.
 */
final class TaskWeights {

  private final double scale;
  private final double sharedWeight;
  private final double specificWeight;
  private final double[] shared;
  private final Map<String, double[]> initial = new HashMap<>();
  private final Map<String, List<Phase>> phases = new HashMap<>();

  /** One drift of one task: from its direction at {@code at} to {@code to}. */
  private record Phase(long at, long over, double[] from, double[] to) {}

  TaskWeights(int dim, double rho, double scale, List<DriftSpec> drifts,
      RandomGenerator world, RandomGenerator driftRandom) {
    this.scale = scale;
    this.sharedWeight = Math.sqrt(rho);
    this.specificWeight = Math.sqrt(1.0 - rho);
    this.shared = orthonormalDraw(dim, world, List.of());
    double[] ctr = orthonormalDraw(dim, world, List.of(shared));
    double[] preference = orthonormalDraw(dim, world, List.of(shared, ctr));
    initial.put(StreamGenerator.CTR, ctr);
    initial.put(StreamGenerator.PREFERENCE, preference);
    phases.put(StreamGenerator.CTR, new ArrayList<>());
    phases.put(StreamGenerator.PREFERENCE, new ArrayList<>());
    List<DriftSpec> ordered = new ArrayList<>(drifts);
    ordered.sort(Comparator.comparingLong(DriftSpec::atEvent));
    for (DriftSpec d : ordered) {
      String other = d.task().equals(StreamGenerator.CTR)
          ? StreamGenerator.PREFERENCE : StreamGenerator.CTR;
      double[] own = specific(d.task(), d.atEvent());
      double[] to = orthonormalDraw(dim, driftRandom,
          List.of(shared, own, specific(other, d.atEvent())));
      phases.get(d.task()).add(new Phase(d.atEvent(), d.overEvents(), own, to));
    }
  }

  /** Task {@code task}'s unit specific direction at stream position {@code event}. */
  double[] specific(String task, long event) {
    double[] e = initial.get(task);
    for (Phase p : phases.get(task)) {
      if (event < p.at) {
        break;
      }
      double lambda = p.over == 0 ? 1.0 : Math.min(1.0, (event - p.at) / (double) p.over);
      if (lambda >= 1.0) {
        e = p.to;
      } else if (lambda <= 0.0) {
        e = p.from; // exactly the direction before the drift, not a renormalised copy
      } else {
        double[] mixed = new double[e.length];
        for (int k = 0; k < mixed.length; k++) {
          mixed[k] = (1.0 - lambda) * p.from[k] + lambda * p.to[k];
        }
        e = normalised(mixed);
      }
    }
    return e;
  }

  /** Writes task {@code task}'s weight vector at stream position {@code event} into {@code out}. */
  void weightsInto(String task, long event, double[] out) {
    double[] e = specific(task, event);
    for (int k = 0; k < out.length; k++) {
      out[k] = scale * (sharedWeight * shared[k] + specificWeight * e[k]);
    }
  }

  /** A random unit vector orthogonal to every vector in {@code vectors}. */
  private static double[] orthonormalDraw(
      int dim, RandomGenerator random, List<double[]> vectors) {
    List<double[]> basis = new ArrayList<>();
    for (double[] v : vectors) {
      double[] r = residual(v, basis);
      if (norm(r) > 1e-9) {
        basis.add(normalised(r));
      }
    }
    while (true) {
      double[] v = new double[dim];
      for (int k = 0; k < dim; k++) {
        v[k] = random.nextGaussian();
      }
      double[] r = residual(v, basis);
      if (norm(r) > 1e-6) {
        return normalised(r);
      }
    }
  }

  /** {@code v} minus its projection on the orthonormal {@code basis} (Gram-Schmidt, twice). */
  private static double[] residual(double[] v, List<double[]> basis) {
    double[] r = v.clone();
    for (int pass = 0; pass < 2; pass++) { // the second pass removes rounding residue
      for (double[] b : basis) {
        double dot = 0.0;
        for (int k = 0; k < r.length; k++) {
          dot += r[k] * b[k];
        }
        for (int k = 0; k < r.length; k++) {
          r[k] -= dot * b[k];
        }
      }
    }
    return r;
  }

  private static double[] normalised(double[] v) {
    double n = norm(v);
    double[] out = new double[v.length];
    for (int k = 0; k < v.length; k++) {
      out[k] = v[k] / n;
    }
    return out;
  }

  private static double norm(double[] v) {
    double sum = 0.0;
    for (double x : v) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }
}
