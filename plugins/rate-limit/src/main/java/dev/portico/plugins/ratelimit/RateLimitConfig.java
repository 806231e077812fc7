package dev.portico.plugins.ratelimit;

import dev.portico.spi.Per;

/**
 * A bound {@code rate-limit} configuration.
 *
 * @param rate tokens added to the bucket per second
 * @param burst the bucket's size: how many requests may come at once after a quiet period
 * @param per what is counted separately (always within the route)
 * @param strict every request decided on the shared store (exact, a round trip per request);
 *     {@code false} decides on each node from allowances taken from the shared bucket a tenth of
 *     the burst at a time, admitting at most {@code nodes * ceil(burst / 10)} more than the exact
 *     bucket in any interval (see {@link dev.portico.spi.CounterStore#batched()}). The local store is
 *     exact either way.
 */
record RateLimitConfig(double rate, long burst, Per per, boolean strict) {

  /** Identifies the configuration in counter keys: a changed limit starts a new, full bucket. */
  String fingerprint() {
    return "rate-limit(rate=" + rate + ",burst=" + burst + ",per=" + per.label() + ")";
  }
}
