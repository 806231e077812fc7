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

  /**
   * This store for a throttler that trades exactness for speed ({@code rate-limit}'s
   * {@code strict: false}): token buckets are decided on this node from allowances it takes from
   * the shared bucket a batch at a time; windows stay exact. Call it once, when the policy is
   * created, and keep the view: it is shared by every policy, and the gateway closes it.
   *
   * <pre>{@code
   * CounterStore counters = config.strict() ? env.counters() : env.counters().batched();
   * counters.takeToken("ip:" + ctx.sourceIp(), 10, 20); // mostly answered without a network hop
   * }</pre>
   *
   * <p>A batch is a tenth of the bucket's burst, rounded up (a burst of 10 or less is decided
   * exactly: batches of one would save nothing); a node holds at most one batch per
   * bucket, never longer than about a second (what it has not spent goes back to the shared
   * bucket). Hence the bound, for a bucket shared by {@code n} nodes: in any interval of {@code t}
   * seconds it admits at most {@code burst + rate * t} (the exact bucket) {@code + n * ceil(burst
   * / 10)}. It refuses a request only when the node's allowance is empty and the shared bucket
   * has no whole token, while the other nodes hold at most {@code (n - 1) * ceil(burst / 10)}
   * unspent tokens. {@code RateLimit-Remaining} and {@code RateLimit-Reset} are estimates there.
   *
   * @return a view deciding token buckets in batches; a store that is not shared (the local one)
   *     is exact at no cost and returns itself, which is the default
   */
  default CounterStore batched() {
    return this;
  }
}
