package dev.portico.gateway.counters;

import io.vertx.core.Future;

/**
 * A shared store's token buckets taken from and given back to several tokens at a time: what
 * {@link BatchedCounterStore} needs from Hazelcast or Redis. Each call is one atomic operation
 * where the bucket lives, like the store's own decisions, and works on the same buckets as
 * {@link dev.portico.spi.CounterStore#takeToken}.
 */
interface TokenBatches {

  /**
   * Takes up to {@code max} tokens, as many whole ones as the bucket holds; none when it holds
   * less than one.
   */
  Future<Grant> takeTokens(String key, double ratePerSecond, long burst, long max);

  /** Gives {@code tokens} back to the bucket, which never holds more than {@code burst}. */
  Future<Void> giveBack(String key, double ratePerSecond, long burst, long tokens);

  /**
   * What {@link #takeTokens} took.
   *
   * @param taken tokens taken, 0 when the bucket had no whole token
   * @param remaining whole tokens left in the shared bucket
   * @param millis when {@code taken > 0}, until the bucket is full again; else until it holds a token
   */
  record Grant(long taken, long remaining, long millis) {}
}
