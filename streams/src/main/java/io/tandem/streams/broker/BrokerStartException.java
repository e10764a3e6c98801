package io.tandem.streams.broker;

/**
 * The embedded broker could not start. The message is written for a person at a terminal: it names
 * the port or directory involved and what to do, so the CLI prints it as a single line without a
 * stack trace.
 */
public final class BrokerStartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and what to do, e.g. "port 9092 on 127.0.0.1 is already in use ..."
   * @param cause   the underlying failure, or null
   */
  public BrokerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
