package io.tandem.schemas;

/** What a {@link Prediction} answers: a labelled event (scored before learning) or a request. */
public enum PredictionSource {
  /** Scored from a labelled event on {@code tandem.events}; JSON {@code "event"}. */
  EVENT,
  /** Scored from a request on {@code tandem.requests}; JSON {@code "request"}. */
  REQUEST;

  /** @return the JSON spelling, lower case */
  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
