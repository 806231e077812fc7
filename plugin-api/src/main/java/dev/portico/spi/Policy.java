package dev.portico.spi;

/**
 * A configured policy instance: one of {@link Authorizer}, {@link Throttler} or {@link Transformer}.
 *
 * <p>The gateway creates one instance per distinct configuration and shares it between all event
 * loops and all requests, so an instance holds no per-request state and whatever state it does hold
 * (caches, clients) is thread-safe. An instance is reused when a new deployment carries the
 * identical configuration, and {@link #close() closed} once no deployment uses it any more.
 */
public sealed interface Policy permits Authorizer, Throttler, Transformer {

  /**
   * Releases what the instance holds: timers, clients, caches. Called once, after the last request
   * that could use it has been routed; requests already in flight may still complete on it. The
   * default does nothing.
   */
  default void close() {}
}
