package io.tandem.streams.config;

import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.TaskDeclaration;
import java.util.Objects;
import java.util.Optional;

/**
 * One task as declared in the configuration ({@code tasks} plus its {@code task.<name>.*} keys).
 *
 * @param spec   name, type and (for a regression) label range; not null
 * @param weight fixed loss weight ({@code task.<name>.weight}), finite and &gt; 0
 * @param topic  an extra input topic for this task's events ({@code task.<name>.topic}), if any
 */
public record TaskSettings(TaskSpec spec, double weight, Optional<String> topic) {

  /** Validates the weight and the topic name. */
  public TaskSettings {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(topic, "topic");
    if (!Double.isFinite(weight) || weight <= 0) {
      throw new IllegalArgumentException(
          "task '" + spec.name() + "' weight: must be finite and > 0, got " + weight);
    }
    if (topic.isPresent() && topic.get().isBlank()) {
      throw new IllegalArgumentException("task '" + spec.name() + "' topic: must not be blank");
    }
  }

  /** This task as the schemas module declares tasks (type, range, weight). */
  public TaskDeclaration declaration() {
    return spec.kind() == TaskKind.BINARY
        ? TaskDeclaration.binary(spec.name(), weight)
        : TaskDeclaration.regression(spec.name(), spec.labelMin(), spec.labelMax(), weight);
  }

  /** The task name. */
  public String name() {
    return spec.name();
  }
}
