package dev.portico.spi;

import io.vertx.core.Future;

/**
 * Admits a request or rejects it with a time to retry, by counting on the gateway's
 * {@link CounterStore}.
 *
 * <p>A throttler never reads and then writes a counter: it asks the store for a whole decision
 * (take a token, add to a window), which the store executes atomically, on one node or across a
 * cluster. The gateway writes {@code RateLimit-*} and {@code Retry-After} headers from the most
 * restrictive decision of the route, and if a later throttler rejects, it calls
 * {@link ThrottleDecision#refund()} on the decisions that admitted the request. Example:
 *
 * <pre>{@code
 * final class PerIpLimit implements Throttler {
 *   private final CounterStore counters;   // from PolicyEnvironment.counters()
 *   private final long rate, burst;
 *
 *   public Future<ThrottleDecision> throttle(RequestContext ctx) {
 *     return counters.takeToken("per-ip:" + ctx.sourceIp(), rate, burst);
 *   }
 * }
 * }</pre>
 */
public non-sealed interface Throttler extends Policy {

  /**
   * Decides whether the request is admitted.
   *
   * @return a future that succeeds with the decision, admitted or not (a rejection is a decision,
   *     not a failure). A future failed with a {@link Rejection} denies with its status, as from any
   *     hook; any other failure means the decision could not be made (for example the counter store
   *     is unreachable), and the gateway then applies {@code counters.onStoreFailure}.
   */
  Future<ThrottleDecision> throttle(RequestContext ctx);
}
