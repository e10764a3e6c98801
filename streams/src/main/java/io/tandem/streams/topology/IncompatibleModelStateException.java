package io.tandem.streams.topology;

/**
 * The model's state does not fit its stores: the state found in a stream task's stores was
 * written by a model with another configuration or task list, or the model's dense state is
 * larger than its changelog record may be ({@link ModelStores#MAX_DENSE_BYTES}). Retrying cannot
 * help: the application stops (see {@code TandemApp}); the operator restores the previous
 * configuration, configures a smaller model, or starts over with a new {@code application.id}
 * (or resets the application).
 */
public final class IncompatibleModelStateException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what was found and what to do
   * @param cause the model's rejection of the stored state
   */
  public IncompatibleModelStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
