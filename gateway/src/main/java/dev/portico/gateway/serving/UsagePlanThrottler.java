package dev.portico.gateway.serving;

import dev.portico.gateway.config.UsagePlan;
import dev.portico.spi.CounterStore;
import dev.portico.spi.RequestContext;
import dev.portico.spi.ThrottleDecision;
import dev.portico.spi.Throttler;
import io.vertx.core.Future;

/**
 * A usage plan's throttle (token bucket) and quota (calendar window), counted per API key on the
 * gateway's {@link CounterStore}. The pipeline runs it as the route's first throttler when the
 * principal carries the plan ({@code api-key} sets it).
 *
 * <p>The bucket is asked first: a request it refuses does not count against the quota. When the
 * quota then refuses (or cannot be reached), the token is given back, so a client over its quota
 * does not also drain its rate. An admitting answer is the more restrictive of the two decisions,
 * and giving it back (a later throttler refused) returns both.
 *
 * <p>Counters are keyed by plan and key id, never by the key's value, so the secret is never
 * written to a store (a Redis or Hazelcast one could be inspected).
 */
final class UsagePlanThrottler implements Throttler {

  private final CounterStore counters;
  private final String prefix;
  private final UsagePlan.Throttle throttle;
  private final UsagePlan.Quota quota;

  UsagePlanThrottler(UsagePlan plan, CounterStore counters) {
    this.counters = counters;
    // the plan's length makes the key unambiguous: plan "a:b" with id "c" is not plan "a" with id "b:c"
    this.prefix = "usage-plan:" + plan.name().length() + ":" + plan.name() + ":";
    this.throttle = plan.throttle();
    this.quota = plan.quota();
  }

  /** Whether the plan limits anything; a plan with neither a throttle nor a quota needs no throttler. */
  static boolean limits(UsagePlan plan) {
    return plan.throttle() != null || plan.quota() != null;
  }

  @Override
  public Future<ThrottleDecision> throttle(RequestContext ctx) {
    String key = prefix + ctx.principal().id();
    if (throttle == null) {
      return window(key);
    }
    return counters.takeToken(key + ":rate", throttle.rate(), throttle.burst()).compose(bucket -> {
      if (!bucket.allowed() || quota == null) {
        return Future.succeededFuture(bucket);
      }
      return window(key).<ThrottleDecision>transform(ar -> {
        if (ar.failed()) {
          return bucket.refund().transform(ignored -> Future.<ThrottleDecision>failedFuture(ar.cause()));
        }
        ThrottleDecision window = ar.result();
        if (!window.allowed()) {
          return bucket.refund().transform(ignored -> Future.succeededFuture(window));
        }
        return Future.succeededFuture(both(bucket, window));
      });
    });
  }

  private Future<ThrottleDecision> window(String key) {
    return counters.addToWindow(key + ":quota", quota.limit(), quota.period());
  }

  /** One admitting decision speaking for both: the numbers of the tighter one, the refund of both. */
  private static ThrottleDecision both(ThrottleDecision bucket, ThrottleDecision window) {
    boolean windowTighter = window.remaining() < bucket.remaining()
        || window.remaining() == bucket.remaining() && window.resetAfter().compareTo(bucket.resetAfter()) > 0;
    ThrottleDecision tighter = windowTighter ? window : bucket;
    return ThrottleDecision.admit(tighter.limit(), tighter.remaining(), tighter.resetAfter(),
        () -> Future.join(bucket.refund(), window.refund()).mapEmpty());
  }
}
