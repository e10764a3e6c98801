package io.tandem.model.transfer;

import io.tandem.model.drift.Adwin;
import io.tandem.model.drift.Ddm;
import io.tandem.model.drift.DriftDetector;
import io.tandem.model.drift.PageHinkley;
import io.tandem.model.drift.PageHinkleyConfig;

/**
 * Which detector watches each task's drift signal. Every kind uses its reference parameters
 * (MOA's ADWIN, River's Page-Hinkley restricted to increases, River's DDM); {@link #NONE} never
 * alarms (transfer then never starts).
 */
public enum DetectorKind {
  /** ADWIN, delta 0.002, clock 32 (MOA). */
  ADWIN("adwin"),
  /** Page-Hinkley, River's parameters, watching increases of the signal only. */
  PAGE_HINKLEY("page-hinkley"),
  /**
   * DDM (Gama et al. 2004). Its binomial model needs values in [0, 1]: the watch feeds it the
   * signal clipped to [0, 1].
   */
  DDM("ddm"),
  /** No detector: the watch counts events but never alarms. */
  NONE("none");

  private final String label;

  DetectorKind(String label) {
    this.label = label;
  }

  /**
   * A fresh detector of this kind, or null for {@link #NONE}.
   *
   * @return a new, unshared instance (null only for {@code NONE})
   */
  public DriftDetector create() {
    return switch (this) {
      case ADWIN -> new Adwin();
      case PAGE_HINKLEY -> new PageHinkley(
          PageHinkleyConfig.defaults().withMode(PageHinkleyConfig.Mode.UP));
      case DDM -> new Ddm();
      case NONE -> null;
    };
  }

  /** A short stable label ({@code adwin}, {@code page-hinkley}, {@code ddm}, {@code none}). */
  public String label() {
    return label;
  }

  /** Whether the detector needs its input clipped to [0, 1]. */
  boolean needsUnitInterval() {
    return this == DDM;
  }
}
