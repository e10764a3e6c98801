package io.tandem.streams.http;

import java.util.List;
import java.util.Optional;

/**
 * A {@link PredictionService} over a fixed list of models, a user served by the model at
 * {@code floorMod(user.hashCode(), size)} (as a partitioner would), for tests.
 */
final class LocalModels implements PredictionService {

  private final List<ServingModel> models;

  LocalModels(List<ServingModel> models) {
    this.models = List.copyOf(models);
  }

  static LocalModels none() {
    return new LocalModels(List.of());
  }

  @Override
  public Optional<ServingModel> modelFor(String user) {
    if (models.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(models.get(Math.floorMod(user.hashCode(), models.size())));
  }

  @Override
  public List<ServingModel> all() {
    return models;
  }
}
