package dev.portico.spi;

import io.vertx.core.Future;

/**
 * The gateway's counters, shared by every node of a cluster when the store is {@code hazelcast} or
 * {@code redis}, and per node when it is {@code local}.
 *
 * <p>Each call is one whole decision that the store executes atomically where the key lives: a
 * throttler never reads a counter and then writes it. Time is the store's, not the calling node's.
 * A call fails (rather than hangs) when the store cannot decide within its timeout; the gateway
 * then applies {@code counters.onStoreFailure}.
 *
 * <pre>{@code
 * // 10 requests per second, bursts of 20, per client address
 * counters.takeToken("ip:" + ctx.sourceIp(), 10, 20);
 * // 1000 requests per calendar day (UTC), per principal
 * counters.addToWindow("day:" + ctx.principal().id(), 1000, QuotaPeriod.DAY);
 * }</pre>
 *
 * <p>Keys are shared by every plugin: prefix them with something that identifies the policy
 * instance (its route, its name).
 */
public interface CounterStore {

  /**
   * Takes one token from the bucket {@code key}, which holds at most {@code burst} tokens and
   * refills at {@code ratePerSecond}. A bucket starts full. A rejection takes nothing.
   *
   * @return the decision; an admitting one can be refunded (the token goes back)
   */
  Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst);

  /**
   * Adds one to the count of {@code key} in the current calendar window of {@code period} (UTC),
   * unless the count has reached {@code limit}. A rejection adds nothing. Windows expire from the
   * store once over.
   *
   * @return the decision; an admitting one can be refunded (the count goes down by one)
   */
  Future<ThrottleDecision> addToWindow(String key, long limit, QuotaPeriod period);
}
