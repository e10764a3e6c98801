package io.tandem.model.quality;

import io.tandem.model.ModelConfig;
import java.util.List;

/** The Tandem configurations the quality tests and measurement use on generated streams. */
final class QualityConfigs {

  private QualityConfigs() {}

  /** Reference sizes with the generator's context fields. */
  static ModelConfig tandem(ModelConfig.Architecture architecture) {
    return ModelConfig.defaults()
        .withArchitecture(architecture)
        .withContextFields(List.of("device"), List.of("hour"));
  }
}
