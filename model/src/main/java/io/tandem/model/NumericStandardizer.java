package io.tandem.model;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Online standardisation of numeric context features: Welford's running mean and variance per
 * field; a value {@code v} becomes {@code (v - mean) / sqrt(var + 1e-8)} (identity before two
 * observations, 0 for a missing value). Updated only by learned events. Not thread-safe.
 */
final class NumericStandardizer {

  private static final double VARIANCE_FLOOR = 1e-8;

  private final double[] mean;
  private final double[] m2;
  private long count;

  NumericStandardizer(int fields) {
    this.mean = new double[fields];
    this.m2 = new double[fields];
  }

  /** Standardised value of field {@code f}; {@code value} null means missing. */
  double standardise(int f, Double value) {
    if (value == null) {
      return 0.0;
    }
    if (count < 2) {
      return value;
    }
    return (value - mean[f]) / Math.sqrt(m2[f] / count + VARIANCE_FLOOR);
  }

  /** Adds one observation of every field (a missing field observes its current mean). */
  void observe(double[] raw, boolean[] missing) {
    count++;
    for (int f = 0; f < mean.length; f++) {
      double v = missing[f] ? mean[f] : raw[f];
      double delta = v - mean[f];
      mean[f] += delta / count;
      m2[f] += delta * (v - mean[f]);
    }
  }

  void write(DataOutput out) throws IOException {
    out.writeLong(count);
    for (int f = 0; f < mean.length; f++) {
      out.writeDouble(mean[f]);
      out.writeDouble(m2[f]);
    }
  }

  void read(DataInput in) throws IOException {
    count = in.readLong();
    for (int f = 0; f < mean.length; f++) {
      mean[f] = in.readDouble();
      m2[f] = in.readDouble();
    }
  }
}
