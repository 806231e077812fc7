package dev.portico.plugins.ratelimit;

import dev.portico.spi.CounterStore;
import dev.portico.spi.RequestContext;
import dev.portico.spi.ThrottleDecision;
import dev.portico.spi.Throttler;
import io.vertx.core.Future;

/**
 * Takes one token per request from the bucket of the request's route and caller: on the shared
 * store itself, or with {@code strict: false} on its {@linkplain CounterStore#batched() batched}
 * view.
 */
final class RateLimiter implements Throttler {

  private final RateLimitConfig config;
  private final CounterStore counters;
  private final String prefix;

  RateLimiter(RateLimitConfig config, CounterStore counters) {
    this.config = config;
    this.counters = config.strict() ? counters : counters.batched();
    this.prefix = config.fingerprint() + ' ';
  }

  @Override
  public Future<ThrottleDecision> throttle(RequestContext ctx) {
    return counters.takeToken(key(ctx), config.rate(), config.burst());
  }

  /** {@code rate-limit(rate=..,burst=..,per=..) <route id> <caller>}: the policy, the route, the caller. */
  String key(RequestContext ctx) {
    return prefix + ctx.routeId() + ' ' + config.per().caller(ctx);
  }
}
