package io.tandem.streams.http;

/**
 * Tells which instance owns a user's key. In production this is
 * {@link KafkaStreamsKeyOwnerLocator}; tests and single-instance setups can use
 * {@link #localOnly()}.
 *
 * <p>Thread-safety: implementations must be safe for concurrent calls from HTTP threads.
 */
@FunctionalInterface
public interface KeyOwnerLocator {

  /**
   * Locates the owner of {@code user}'s key.
   *
   * @param user the user id; not null
   * @return local, remote (with its HTTP address) or unknown (with a reason); never null
   */
  KeyOwner locate(String user);

  /** A locator for a single instance: every key is local. */
  static KeyOwnerLocator localOnly() {
    return user -> KeyOwner.LOCAL;
  }
}
