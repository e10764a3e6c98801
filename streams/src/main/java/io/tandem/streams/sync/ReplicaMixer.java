package io.tandem.streams.sync;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and averages the other replicas' parameters one stream task mixes in.
 *
 * <p>The rule (periodic model averaging, as in local SGD — Stich, "Local SGD converges fast and
 * communicates little", ICLR 2019 — and Monolith's periodic parameter sync — Liu et al., 2022):
 * every {@code sync.interval.ms}, stream task {@code k} computes
 * <pre>
 *   theta_k &lt;- (1 - a) theta_k + a mean_{j in S} theta_j
 * </pre>
 * where {@code S} holds the other stream tasks of the same application whose newest published
 * parameters carry this model's fingerprint and a model version newer than the one {@code k}
 * last mixed from {@code j} ({@code a} = {@code sync.mixing.rate}). Variant: parameters, not
 * deltas (a lost or compacted record then costs nothing: the next one carries everything), an
 * unweighted mean (replicas learn at similar rates when users are spread evenly), and no mix
 * when {@code S} is empty (nothing new arrived). The model applies the formula
 * ({@code MultiTaskModel#mixDenseParameters}), keeping a tower that re-learns after a promotion.
 *
 * <p>Records of another application (key prefix), the task's own record, unreadable records and
 * records of another fingerprint (a rolling upgrade with a changed model) are skipped; the last
 * two are logged once per source.
 *
 * <p>Not thread-safe: one stream task's thread.
 */
public final class ReplicaMixer {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaMixer.class);

  private final String prefix;
  private final String ownKey;
  private final Map<String, Long> lastMixed = new HashMap<>();
  private final Set<String> warned = new HashSet<>();
  private long skipped;

  /**
   * A mixer for one stream task.
   *
   * @param applicationId the Kafka Streams application id; only its records are mixed
   * @param streamTask this stream task's id (e.g. {@code 0_3}); its own record is never mixed
   */
  public ReplicaMixer(String applicationId, String streamTask) {
    this.prefix = SyncRecord.key(applicationId, "");
    this.ownKey = SyncRecord.key(applicationId, streamTask);
  }

  /**
   * The mean of the other replicas' parameters that are new since the last call, and marks them
   * as mixed.
   *
   * @param entries the sync store's entries (key, record bytes); read to the end, not closed
   * @param fingerprint this model's fingerprint
   * @param parameterCount this model's number of dense parameters
   * @return the mean, or empty when no other replica published anything new
   */
  public Optional<Mean> next(Iterator<KeyValue<String, byte[]>> entries, long fingerprint,
      int parameterCount) {
    Objects.requireNonNull(entries, "entries");
    double[] sum = null;
    int replicas = 0;
    long newest = -1;
    Map<String, Long> versions = new HashMap<>();
    while (entries.hasNext()) {
      KeyValue<String, byte[]> entry = entries.next();
      if (entry.key == null || entry.value == null || !entry.key.startsWith(prefix)
          || entry.key.equals(ownKey)) {
        continue;
      }
      SyncRecord record;
      try {
        record = SyncRecord.fromBytes(entry.value);
      } catch (IllegalArgumentException e) {
        skip(entry.key, "unreadable", "{}: skipping the unreadable sync record of {}: {}",
            ownKey, entry.key, e.getMessage());
        continue;
      }
      if (record.fingerprint() != fingerprint || record.parameters().length != parameterCount) {
        skip(entry.key, Long.toHexString(record.fingerprint()), "{}: not mixing the parameters"
            + " of {}: fingerprint {} ({} parameters), this model {} ({} parameters); another"
            + " configuration or task list", ownKey, entry.key,
            Long.toHexString(record.fingerprint()), record.parameters().length,
            Long.toHexString(fingerprint), parameterCount);
        continue;
      }
      if (record.modelVersion() <= lastMixed.getOrDefault(entry.key, -1L)) {
        continue;
      }
      if (sum == null) {
        sum = new double[parameterCount];
      }
      double[] p = record.parameters();
      for (int i = 0; i < parameterCount; i++) {
        sum[i] += p[i];
      }
      replicas++;
      newest = Math.max(newest, record.publishedAtMs());
      versions.put(entry.key, record.modelVersion());
    }
    if (sum == null) {
      return Optional.empty();
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= replicas;
    }
    lastMixed.putAll(versions);
    return Optional.of(new Mean(fingerprint, sum, replicas, newest));
  }

  /** Records skipped so far as unreadable or of another fingerprint (each time seen). */
  public long skipped() {
    return skipped;
  }

  private void skip(String key, String reason, String format, Object... args) {
    skipped++;
    if (warned.add(key + " " + reason)) {
      LOG.warn(format, args);
    }
  }

  /**
   * What to mix.
   *
   * @param fingerprint the fingerprint every averaged record carried
   * @param parameters the mean parameters (owned by the caller)
   * @param replicas how many replicas were averaged, &gt;= 1
   * @param newestPublishedAtMs the publication time of the newest averaged record, epoch ms
   */
  public record Mean(long fingerprint, double[] parameters, int replicas,
      long newestPublishedAtMs) {}
}
