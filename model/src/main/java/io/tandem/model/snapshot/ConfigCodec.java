package io.tandem.model.snapshot;

import io.tandem.model.ModelConfig;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary form of a {@link ModelConfig} and a task list inside snapshots: the settings of
 * format version 1 in their order, the tasks, then (format version 3 on) the settings added
 * since, maps sorted by key, so equal configurations give equal bytes (and equal
 * {@link #fingerprint fingerprints}) in every JVM.
 *
 * <p>Settings added after version 1 ({@code taskExperts}, {@code wide}) are read as their legacy
 * value from an older snapshot, and enter the fingerprint only when they differ from that value,
 * so a dense blob written before they existed still matches the model rebuilt from its
 * configuration.
 * Stateless.
 */
public final class ConfigCodec {

  private ConfigCodec() {}

  /** {@code taskExperts} of configurations written before the setting existed. */
  static final int LEGACY_TASK_EXPERTS = 1;
  /** {@code wide} of configurations written before the setting existed. */
  static final boolean LEGACY_WIDE = false;

  /** Writes the configuration and tasks in the current format ({@link SnapshotFormat#VERSION}). */
  public static void write(DataOutput out, ModelConfig c, List<TaskSpec> tasks)
      throws IOException {
    writeLegacy(out, c, tasks);
    writeAdded(out, c);
  }

  /** The settings and tasks of format version 1. */
  private static void writeLegacy(DataOutput out, ModelConfig c, List<TaskSpec> tasks)
      throws IOException {
    out.writeUTF(c.architecture().name());
    out.writeInt(c.embeddingDim());
    writeInts(out, c.hiddenSizes());
    out.writeInt(c.experts());
    out.writeInt(c.expertSize());
    out.writeInt(c.towerSize());
    out.writeBoolean(c.productFeatures());
    writeStrings(out, c.categoricalFields());
    writeStrings(out, c.numericFields());
    out.writeUTF(c.optimizer().name());
    out.writeDouble(c.embeddingLearningRate());
    out.writeDouble(c.denseLearningRate());
    out.writeUTF(c.weighting().name());
    writeMap(out, c.taskWeights());
    out.writeDouble(c.gradNormAlpha());
    out.writeDouble(c.weightingLearningRate());
    writeMap(out, c.lossScales());
    out.writeBoolean(c.pcgrad());
    out.writeInt(c.admissionThreshold());
    out.writeLong(c.rowExpiryEvents());
    out.writeDouble(c.affinityDecay());
    out.writeInt(c.affinityInterval());
    out.writeDouble(c.embeddingInitScale());
    out.writeLong(c.seed());
    out.writeInt(tasks.size());
    for (TaskSpec t : tasks) {
      out.writeUTF(t.name());
      out.writeUTF(t.kind().name());
      out.writeDouble(t.labelMin());
      out.writeDouble(t.labelMax());
    }
  }

  /** The settings added in format version 3. */
  private static void writeAdded(DataOutput out, ModelConfig c) throws IOException {
    out.writeInt(c.taskExperts());
    out.writeBoolean(c.wide());
  }

  /** A configuration and its tasks, as read back. */
  public record Decoded(ModelConfig config, List<TaskSpec> tasks) {}

  /**
   * Reads what {@link #write} wrote in format version {@code format} (1 up to
   * {@link SnapshotFormat#VERSION}); settings that version did not have take their legacy value.
   *
   * @throws IllegalArgumentException for an unknown enum constant or an invalid setting
   */
  public static Decoded read(DataInput in, int format) throws IOException {
    ModelConfig.Architecture architecture = ModelConfig.Architecture.valueOf(in.readUTF());
    int embeddingDim = in.readInt();
    List<Integer> hiddenSizes = readInts(in);
    int experts = in.readInt();
    int expertSize = in.readInt();
    ModelConfig c = new ModelConfig(
        architecture,
        embeddingDim,
        hiddenSizes,
        experts,
        expertSize,
        LEGACY_TASK_EXPERTS,
        in.readInt(),
        in.readBoolean(),
        LEGACY_WIDE,
        readStrings(in),
        readStrings(in),
        ModelConfig.OptimizerKind.valueOf(in.readUTF()),
        in.readDouble(),
        in.readDouble(),
        ModelConfig.Weighting.valueOf(in.readUTF()),
        readMap(in),
        in.readDouble(),
        in.readDouble(),
        readMap(in),
        in.readBoolean(),
        in.readInt(),
        in.readLong(),
        in.readDouble(),
        in.readInt(),
        in.readDouble(),
        in.readLong());
    int n = in.readInt();
    List<TaskSpec> tasks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tasks.add(new TaskSpec(in.readUTF(), TaskKind.valueOf(in.readUTF()), in.readDouble(),
          in.readDouble()));
    }
    if (format >= 3) {
      c = c.withTaskExperts(in.readInt()).withWide(in.readBoolean());
    }
    return new Decoded(c, List.copyOf(tasks));
  }

  /**
   * A 64-bit FNV-1a hash of the binary form: equal for equal configurations and tasks. The
   * settings added after format version 1 are hashed only when they differ from their legacy
   * values (see the class comment).
   */
  public static long fingerprint(ModelConfig config, List<TaskSpec> tasks) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeLegacy(out, config, tasks);
      if (config.taskExperts() != LEGACY_TASK_EXPERTS
          || config.wide() != LEGACY_WIDE) {
        writeAdded(out, config);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes.toByteArray()) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static void writeInts(DataOutput out, List<Integer> values) throws IOException {
    out.writeInt(values.size());
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static List<Integer> readInts(DataInput in) throws IOException {
    int n = in.readInt();
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(in.readInt());
    }
    return out;
  }

  private static void writeStrings(DataOutput out, List<String> values) throws IOException {
    out.writeInt(values.size());
    for (String v : values) {
      out.writeUTF(v);
    }
  }

  private static List<String> readStrings(DataInput in) throws IOException {
    int n = in.readInt();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(in.readUTF());
    }
    return out;
  }

  private static void writeMap(DataOutput out, Map<String, Double> map) throws IOException {
    TreeMap<String, Double> sorted = new TreeMap<>(map);
    out.writeInt(sorted.size());
    for (Map.Entry<String, Double> e : sorted.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeDouble(e.getValue());
    }
  }

  private static Map<String, Double> readMap(DataInput in) throws IOException {
    int n = in.readInt();
    TreeMap<String, Double> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      out.put(in.readUTF(), in.readDouble());
    }
    return out;
  }
}
