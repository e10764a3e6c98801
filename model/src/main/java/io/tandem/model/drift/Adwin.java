package io.tandem.model.drift;

import java.util.Objects;

/**
 * ADWIN, the adaptive sliding window of Bifet and Gavaldà, as implemented in MOA's
 * {@code ADWIN.java}; after a detection the detector starts afresh, as River's {@code ADWIN} does.
 *
 * <h2>The window</h2>
 * The window W of recent values is summarised by an exponential histogram: row {@code i} holds up
 * to {@code M = maxBucketsPerRow} buckets, each summarising {@code 2^i} consecutive values by their
 * total and their variance sum (sum of squared deviations from the bucket mean). A new value is a
 * bucket of size 1 appended to row 0; when a row holds {@code M + 1} buckets its two oldest are
 * merged into one bucket of the next row (Chan's pairwise variance:
 * {@code V = V_a + V_b + n_a n_b (mu_a - mu_b)^2 / (n_a + n_b)}), cascading upwards. The window's
 * width {@code n}, total and variance sum are kept incrementally, so memory is
 * {@code O(M log n)}.
 *
 * <h2>The cut test</h2>
 * On every {@code clock}-th update, once {@code n > gracePeriod}, every bucket boundary splits W
 * into an older part W0 (n0 values, mean mu0) and a newer part W1 (n1, mu1), scanned from the
 * oldest boundary. With {@code c = minSubWindowLength}, a boundary with {@code n0 > c + 1} and
 * {@code n1 > c + 1} is a cut when {@code |mu0 - mu1| > epsilon}, where (MOA's bound of January
 * 2008)
 * <pre>
 *   delta' = ln(2 ln(n) / delta)
 *   m      = 1 / (n0 - c + 1) + 1 / (n1 - c + 1)
 *   sigma2 = (variance sum of W) / n
 *   epsilon = sqrt(2 m sigma2 delta') + (2/3) m delta'
 * </pre>
 * River tests {@code n0 >= c} and {@code n1 >= c} instead; for inputs in [0, 1] with MOA's delta
 * and grace period the two agree, because a sub-window of at most {@code c + 1} values makes
 * {@code m >= 1/2} and so {@code epsilon >= delta'/3 > 2.5 > |mu0 - mu1|}.
 * On a cut the oldest bucket is dropped and the scan restarts on the shrunken window, until no
 * cut is found. An update on which at least one cut happened reports a drift. MOA also tracks the
 * two sub-windows' variance sums during the scan but never uses them in the bound; this class does
 * not compute them, which changes no decision.
 *
 * <h2>Restart semantics</h2>
 * MOA keeps the shrunken window after a cut; River discards the whole window on the update after a
 * detection. This class follows River, so its detection indices match River's published tests
 * (the reference stream s1 gives exactly one detection, at index 1023).
 *
 * <p>Cost per update: amortised O(1) for the insertion, O(M log n) for a test every
 * {@code clock} updates; no allocation after construction. Not thread-safe.
 *
 * <p>References: A. Bifet, R. Gavaldà. Learning from Time-Changing Data with Adaptive Windowing.
 * SIAM SDM 2007. MOA {@code moa.classifiers.core.driftdetection.ADWIN}; River
 * {@code river.drift.ADWIN}.
 */
public final class Adwin implements DriftDetector {

  /** The detector's {@link #name()} and the owner tag of its state blobs. */
  public static final String NAME = "adwin";

  /** Newest state format this class writes and reads. */
  public static final int STATE_VERSION = 1;

  /** Rows of the histogram: row i holds buckets of 2^i values, so 62 rows cover any long count. */
  private static final int MAX_ROWS = 62;

  private final AdwinConfig config;

  /** Bucket totals, {@code totals[row][k]}, k = 0 the oldest bucket in the row. */
  private final double[][] totals;

  /** Bucket variance sums, same indexing as {@link #totals}. */
  private final double[][] variances;

  /** Buckets currently held per row. */
  private final int[] bucketsInRow;

  /** Rows in use: rows 0 .. rowsInUse-1 (row 0 always exists, possibly empty). */
  private int rowsInUse;

  /** Updates since the last restart; drives the clock. */
  private long tick;

  /** Values in the window. */
  private long width;

  /** Sum of the values in the window. */
  private double total;

  /** Sum of squared deviations from the window mean. */
  private double varianceSum;

  private boolean drift;

  /**
   * An ADWIN detector.
   *
   * @param config hyperparameters; not null
   */
  public Adwin(AdwinConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    int rowCapacity = config.maxBucketsPerRow() + 1;
    this.totals = new double[MAX_ROWS][rowCapacity];
    this.variances = new double[MAX_ROWS][rowCapacity];
    this.bucketsInRow = new int[MAX_ROWS];
    clearWindow();
  }

  /** An ADWIN detector with MOA's parameters ({@link AdwinConfig#defaults()}). */
  public Adwin() {
    this(AdwinConfig.defaults());
  }

  /** This detector's hyperparameters. */
  public AdwinConfig config() {
    return config;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Any finite value is accepted; the bound assumes values in a bounded range (typically
   * errors in [0, 1] or a bounded loss).
   */
  @Override
  public void update(double value) {
    Signals.requireFinite(NAME, value);
    if (drift) {
      clearWindow();
    }
    tick++;
    insert(value);
    drift = tick % config.clock() == 0 && width > config.gracePeriod() && shrinkWhileCut();
  }

  @Override
  public boolean driftDetected() {
    return drift;
  }

  /** Always false: ADWIN has no warning level. */
  @Override
  public boolean warningDetected() {
    return false;
  }

  @Override
  public void reset() {
    clearWindow();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Values currently in the adaptive window. */
  public long width() {
    return width;
  }

  /** Mean of the values in the window, or 0 when it is empty. */
  public double estimation() {
    return width == 0 ? 0.0 : total / width;
  }

  /**
   * Variance of the values in the window (the population variance: the variance sum over the
   * width, the {@code sigma2} of the cut test), or 0 when it is empty. MOA's
   * {@code getVariance()}; River's {@code variance}. Reading it changes nothing.
   */
  public double variance() {
    return width == 0 ? 0.0 : varianceSum / width;
  }

  @Override
  public DriftDetector freshCopy() {
    return new Adwin(config);
  }

  @Override
  public byte[] exportState() {
    StateWriter out = new StateWriter(NAME, STATE_VERSION)
        .writeDouble(config.delta())
        .writeInt(config.clock())
        .writeInt(config.maxBucketsPerRow())
        .writeInt(config.minSubWindowLength())
        .writeInt(config.gracePeriod())
        .writeLong(tick)
        .writeLong(width)
        .writeDouble(total)
        .writeDouble(varianceSum)
        .writeBoolean(drift)
        .writeInt(rowsInUse);
    for (int row = 0; row < rowsInUse; row++) {
      out.writeInt(bucketsInRow[row]);
      for (int k = 0; k < bucketsInRow[row]; k++) {
        out.writeDouble(totals[row][k]).writeDouble(variances[row][k]);
      }
    }
    return out.toByteArray();
  }

  @Override
  public void importState(byte[] state) {
    StateReader in = new StateReader(state, NAME, STATE_VERSION);
    in.expectSame("delta", in.readDouble(), config.delta());
    in.expectSame("clock", in.readInt(), config.clock());
    in.expectSame("maxBucketsPerRow", in.readInt(), config.maxBucketsPerRow());
    in.expectSame("minSubWindowLength", in.readInt(), config.minSubWindowLength());
    in.expectSame("gracePeriod", in.readInt(), config.gracePeriod());
    long newTick = in.readLong();
    long newWidth = in.readLong();
    double newTotal = in.readDouble();
    double newVarianceSum = in.readDouble();
    boolean newDrift = in.readBoolean();
    int newRows = in.readInt();
    in.check(newTick >= 0, "tick must be non-negative, got " + newTick);
    in.check(newRows >= 1 && newRows <= MAX_ROWS,
        "rows must be in [1, " + MAX_ROWS + "], got " + newRows);
    int[] newCounts = new int[MAX_ROWS];
    double[][] newTotals = new double[newRows][];
    double[][] newVariances = new double[newRows][];
    long coveredValues = 0;
    for (int row = 0; row < newRows; row++) {
      int count = in.readInt();
      in.check(count >= 0 && count <= config.maxBucketsPerRow(),
          "row " + row + " holds " + count + " buckets, allowed 0.." + config.maxBucketsPerRow());
      newCounts[row] = count;
      newTotals[row] = new double[count];
      newVariances[row] = new double[count];
      for (int k = 0; k < count; k++) {
        newTotals[row][k] = in.readDouble();
        newVariances[row][k] = in.readDouble();
      }
      coveredValues += (long) count << row;
    }
    in.finish();
    in.check(coveredValues == newWidth,
        "buckets cover " + coveredValues + " values but width is " + newWidth);
    in.check(newRows == 1 || newCounts[newRows - 1] > 0, "the oldest row is empty");
    in.check(Double.isFinite(newTotal) && Double.isFinite(newVarianceSum),
        "window total and variance must be finite");

    clearWindow();
    for (int row = 0; row < newRows; row++) {
      bucketsInRow[row] = newCounts[row];
      System.arraycopy(newTotals[row], 0, totals[row], 0, newCounts[row]);
      System.arraycopy(newVariances[row], 0, variances[row], 0, newCounts[row]);
    }
    rowsInUse = newRows;
    tick = newTick;
    width = newWidth;
    total = newTotal;
    varianceSum = newVarianceSum;
    drift = newDrift;
  }

  private void clearWindow() {
    for (int row = 0; row < MAX_ROWS; row++) {
      bucketsInRow[row] = 0;
    }
    rowsInUse = 1;
    tick = 0;
    width = 0;
    total = 0.0;
    varianceSum = 0.0;
    drift = false;
  }

  /** Appends a size-1 bucket, updates the window statistics, then merges full rows. */
  private void insert(double value) {
    appendBucket(0, value, 0.0);
    width++;
    if (width > 1) {
      double previousMean = total / (width - 1);
      double deviation = value - previousMean;
      varianceSum += (width - 1) * deviation * deviation / width;
    }
    total += value;
    mergeFullRows();
  }

  private void appendBucket(int row, double bucketTotal, double bucketVariance) {
    int k = bucketsInRow[row];
    totals[row][k] = bucketTotal;
    variances[row][k] = bucketVariance;
    bucketsInRow[row] = k + 1;
  }

  /** Merges the two oldest buckets of every row that overflowed, cascading to larger rows. */
  private void mergeFullRows() {
    int overflow = config.maxBucketsPerRow() + 1;
    for (int row = 0; row < MAX_ROWS - 1 && bucketsInRow[row] == overflow; row++) {
      if (row + 1 == rowsInUse) {
        rowsInUse++;
      }
      double size = bucketSize(row);
      double meanA = totals[row][0] / size;
      double meanB = totals[row][1] / size;
      double merged = size * size * (meanA - meanB) * (meanA - meanB) / (size + size);
      appendBucket(row + 1, totals[row][0] + totals[row][1],
          variances[row][0] + variances[row][1] + merged);
      dropOldest(row, 2);
    }
  }

  private void dropOldest(int row, int count) {
    int remaining = bucketsInRow[row] - count;
    System.arraycopy(totals[row], count, totals[row], 0, remaining);
    System.arraycopy(variances[row], count, variances[row], 0, remaining);
    bucketsInRow[row] = remaining;
  }

  /** Removes the oldest bucket from the window and its statistics. */
  private void dropOldestBucket() {
    int row = rowsInUse - 1;
    double size = bucketSize(row);
    double bucketTotal = totals[row][0];
    width -= (long) size;
    total -= bucketTotal;
    double bucketMean = bucketTotal / size;
    double windowMean = total / width;
    varianceSum -= variances[row][0]
        + size * width * (bucketMean - windowMean) * (bucketMean - windowMean) / (size + width);
    dropOldest(row, 1);
    if (bucketsInRow[row] == 0 && rowsInUse > 1) {
      rowsInUse--;
    }
  }

  /** Runs the cut test repeatedly, dropping the oldest bucket after each cut; true if any cut. */
  private boolean shrinkWhileCut() {
    boolean cutFound = false;
    while (findCut()) {
      cutFound = true;
      dropOldestBucket();
    }
    return cutFound;
  }

  /** Scans the bucket boundaries from the oldest; true at the first boundary that is a cut. */
  private boolean findCut() {
    long minLength = config.minSubWindowLength();
    long n0 = 0;
    long n1 = width;
    double u0 = 0.0;
    double u1 = total;
    for (int row = rowsInUse - 1; row >= 0; row--) {
      long size = 1L << row;
      int buckets = bucketsInRow[row];
      for (int k = 0; k < buckets; k++) {
        n0 += size;
        n1 -= size;
        u0 += totals[row][k];
        u1 -= totals[row][k];
        if (row == 0 && k == buckets - 1) {
          return false;
        }
        if (n0 > minLength + 1 && n1 > minLength + 1
            && isCut(n0, n1, u0 / n0 - u1 / n1)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean isCut(long n0, long n1, double meanDifference) {
    double n = width;
    double deltaPrime = Math.log(2.0 * Math.log(n) / config.delta());
    double c = config.minSubWindowLength();
    double m = 1.0 / (n0 - c + 1) + 1.0 / (n1 - c + 1);
    double sigma2 = varianceSum / n;
    double epsilon = Math.sqrt(2.0 * m * sigma2 * deltaPrime) + 2.0 / 3.0 * deltaPrime * m;
    return Math.abs(meanDifference) > epsilon;
  }

  private static double bucketSize(int row) {
    return (double) (1L << row);
  }
}
