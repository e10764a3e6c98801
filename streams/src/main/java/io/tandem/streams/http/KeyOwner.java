package io.tandem.streams.http;

import java.util.Objects;

/** Where a user's key lives, as a {@link KeyOwnerLocator} sees it. */
public sealed interface KeyOwner {

  /** This instance owns the key. */
  record Local() implements KeyOwner {}

  /**
   * Another instance owns the key and serves HTTP at {@code host:port}.
   *
   * @param host host name or address; non-empty
   * @param port TCP port in 1..65535
   */
  record Remote(String host, int port) implements KeyOwner {

    /** Validates host and port. */
    public Remote {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host: must be non-empty, got '" + host + "'");
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port: must be in 1..65535, got " + port);
      }
    }

    /** {@code host:port}. */
    public String address() {
      return host + ":" + port;
    }
  }

  /**
   * Nobody can tell right now (e.g. during a rebalance, or before the instance started).
   *
   * @param reason a human-readable explanation; non-null
   */
  record Unknown(String reason) implements KeyOwner {

    /** Requires a reason. */
    public Unknown {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The shared {@link Local} value. */
  KeyOwner LOCAL = new Local();
}
