package dev.portico.spi;

/** The three kinds of policy, in the order the gateway runs them for a request. */
public enum PolicyKind {
  /** Establishes who is calling ({@link Authorizer}). */
  AUTHORIZER,
  /** Admits or rejects by counting ({@link Throttler}). */
  THROTTLER,
  /** Rewrites the request and/or the response ({@link Transformer}). */
  TRANSFORMER;

  /** The name used in listings: {@code authorizer}, {@code throttler}, {@code transformer}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
