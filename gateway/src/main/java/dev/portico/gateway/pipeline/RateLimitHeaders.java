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
    headers.set("RateLimit-Reset", String.valueOf(ceilSeconds(d.resetAfter())));
  }

  /**
   * Whole seconds, rounded up from the nanosecond: a delay of 1.0004 s is announced as 2, never as
   * 1 (which {@code toMillis()} would truncate it to), so a client that waits what it is told is
   * admitted.
   */
  static long ceilSeconds(java.time.Duration d) {
    if (d.isNegative() || d.isZero()) {
      return 0;
    }
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }
}
