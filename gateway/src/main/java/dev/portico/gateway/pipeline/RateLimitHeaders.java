package dev.portico.gateway.pipeline;

import dev.portico.spi.ThrottleDecision;
import io.vertx.core.MultiMap;

/**
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (whole seconds
 * from now, rounded up), written by the gateway from the most restrictive throttler's decision.
 */
final class RateLimitHeaders {

  private RateLimitHeaders() {}

  static void write(MultiMap headers, ThrottleDecision d) {
    headers.set("RateLimit-Limit", String.valueOf(d.limit()));
    headers.set("RateLimit-Remaining", String.valueOf(d.remaining()));
    headers.set("RateLimit-Reset", String.valueOf(Pipeline.ceilSeconds(d.resetAfter())));
  }
}
