package dev.portico.plugins.ratelimit;

/**
 * A bound {@code rate-limit} configuration.
 *
 * @param rate tokens added to the bucket per second
 * @param burst the bucket's size: how many requests may come at once after a quiet period
 * @param per what is counted separately (always within the route)
 * @param strict every request decided on the shared store; {@code false} lets a clustered store
 *     decide from allowances it takes in batches. The local store is exact either way.
 */
record RateLimitConfig(double rate, long burst, Per per, boolean strict) {

  /** Identifies the configuration in counter keys: a changed limit starts a new, full bucket. */
  String fingerprint() {
    return "rate-limit(rate=" + rate + ",burst=" + burst + ",per=" + per.label() + ")";
  }
}
