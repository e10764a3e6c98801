package io.tandem.streams.tasks;

import io.tandem.model.ModelConfig;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.snapshot.ConfigCodec;
import io.tandem.model.snapshot.SnapshotFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration and task list of a model that grew by tasks declared at runtime, stored
 * beside its dense blob so that a restarted learner rebuilds the grown model before importing
 * the blob (whose fingerprint covers configuration and task list).
 *
 * <p>Decision: the task list is part of what is stored, rather than re-adding the declared tasks
 * at restart: the order in which a model grew is its parameter layout, which the compacted task
 * topic does not keep. A grown model's configuration is the configured one plus a fixed loss
 * weight per added task ({@link MultiTaskModel#withTask}); anything else differing is refused,
 * like any other configuration change. Encoding: the {@link SnapshotFormat#VERSION} it was written
 * in (int), then {@link ConfigCodec}. Stateless.
 */
public final class ModelShape {

  /**
   * Key of the grown model's shape in the learner's dense store (written with the dense blob,
   * only once the model has grown).
   */
  public static final String STORE_KEY = "model-shape";

  private ModelShape() {}

  /** The shape of {@code model}: its configuration and tasks. */
  public static byte[] encode(MultiTaskModel model) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(SnapshotFormat.VERSION);
      ConfigCodec.write(out, model.config(), model.tasks());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A fresh model of the configured shape, or of the stored grown shape if there is one.
   *
   * @param config the configured model settings
   * @param tasks the configured tasks
   * @param stored what {@link #encode} wrote, or null
   * @return a freshly initialised model, ready for the stored dense blob and rows
   * @throws IllegalArgumentException if the stored shape is not the configured one grown by
   *     tasks (a changed configuration or task list), naming what differs
   */
  public static MultiTaskModel create(ModelConfig config, List<TaskSpec> tasks, byte[] stored) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(tasks, "tasks");
    if (stored == null) {
      return MultiTaskModel.create(config, tasks);
    }
    ConfigCodec.Decoded decoded;
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored));
      int format = in.readInt();
      if (format < 1 || format > SnapshotFormat.VERSION) {
        throw new IllegalArgumentException("stored model shape: format version " + format
            + " is not readable by this build, which supports at most version "
            + SnapshotFormat.VERSION);
      }
      decoded = ConfigCodec.read(in, format);
    } catch (IOException e) {
      throw new IllegalArgumentException("stored model shape: truncated or malformed", e);
    }
    List<TaskSpec> grown = decoded.tasks();
    if (grown.size() < tasks.size() || !grown.subList(0, tasks.size()).equals(tasks)) {
      throw new IllegalArgumentException("stored model shape: tasks " + names(grown)
          + " do not start with the configured tasks " + names(tasks));
    }
    Map<String, Double> weights = new HashMap<>(config.taskWeights());
    for (TaskSpec added : grown.subList(tasks.size(), grown.size())) {
      weights.put(added.name(), decoded.config().taskWeight(added.name()));
    }
    ModelConfig expected = config.withWeighting(config.weighting(), weights);
    if (!expected.equals(decoded.config())) {
      throw new IllegalArgumentException("stored model shape: its configuration differs from"
          + " the configured one (beyond the loss weights of the tasks added at runtime)");
    }
    return MultiTaskModel.create(decoded.config(), grown);
  }

  private static List<String> names(List<TaskSpec> tasks) {
    return tasks.stream().map(TaskSpec::name).toList();
  }
}
