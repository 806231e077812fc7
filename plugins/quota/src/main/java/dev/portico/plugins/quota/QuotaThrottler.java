package dev.portico.plugins.quota;

import dev.portico.spi.CounterStore;
import dev.portico.spi.RequestContext;
import dev.portico.spi.ThrottleDecision;
import dev.portico.spi.Throttler;
import io.vertx.core.Future;

/** Adds each request to the count of its route and caller in the current calendar window. */
final class QuotaThrottler implements Throttler {

  private final QuotaConfig config;
  private final CounterStore counters;
  private final String prefix;

  QuotaThrottler(QuotaConfig config, CounterStore counters) {
    this.config = config;
    this.counters = counters;
    this.prefix = config.fingerprint() + ' ';
  }

  @Override
  public Future<ThrottleDecision> throttle(RequestContext ctx) {
    return counters.addToWindow(key(ctx), config.limit(), config.period());
  }

  /** {@code quota(limit=..,period=..,per=..) <route id> <caller>}: the policy, the route, the caller. */
  String key(RequestContext ctx) {
    return prefix + ctx.routeId() + ' ' + config.per().caller(ctx);
  }
}
