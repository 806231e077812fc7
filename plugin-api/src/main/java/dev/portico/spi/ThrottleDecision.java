package dev.portico.spi;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A throttler's answer for one request: admitted or not, and the numbers the gateway turns into
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} and, on rejection,
 * {@code Retry-After}.
 *
 * <p>Decisions come from the {@link CounterStore}, which attaches the way to give back what an
 * admitting decision took; a plugin rarely builds one itself.
 */
public final class ThrottleDecision {

  private static final Supplier<Future<Void>> NOTHING_TO_REFUND = Future::succeededFuture;

  private final boolean allowed;
  private final long limit;
  private final long remaining;
  private final Duration resetAfter;
  private final Supplier<Future<Void>> refund;

  private ThrottleDecision(
      boolean allowed, long limit, long remaining, Duration resetAfter, Supplier<Future<Void>> refund) {
    this.allowed = allowed;
    this.limit = limit;
    this.remaining = Math.max(0, remaining);
    this.resetAfter = Objects.requireNonNull(resetAfter, "resetAfter");
    this.refund = refund;
  }

  /**
   * An admitting decision.
   *
   * @param limit the bucket's size or the window's limit
   * @param remaining what is left after this request
   * @param resetAfter when the bucket is full again / the window ends
   * @param refund gives back what this decision took; called at most once, when a later throttler
   *     rejects the request
   */
  public static ThrottleDecision admit(
      long limit, long remaining, Duration resetAfter, Supplier<Future<Void>> refund) {
    return new ThrottleDecision(true, limit, remaining, resetAfter, refund);
  }

  /** An admitting decision with nothing to give back. */
  public static ThrottleDecision admit(long limit, long remaining, Duration resetAfter) {
    return new ThrottleDecision(true, limit, remaining, resetAfter, NOTHING_TO_REFUND);
  }

  /**
   * A rejecting decision; it took nothing.
   *
   * @param retryAfter when a retry may be admitted
   */
  public static ThrottleDecision reject(long limit, Duration retryAfter) {
    return new ThrottleDecision(false, limit, 0, retryAfter, NOTHING_TO_REFUND);
  }

  public boolean allowed() {
    return allowed;
  }

  public long limit() {
    return limit;
  }

  public long remaining() {
    return remaining;
  }

  /** For an admitting decision, when the counter is back to its limit; for a rejection, when to retry. */
  public Duration resetAfter() {
    return resetAfter;
  }

  /** Gives back what this decision took. */
  public Future<Void> refund() {
    return refund.get();
  }

  @Override
  public String toString() {
    return (allowed ? "admit" : "reject")
        + "(limit=" + limit + ", remaining=" + remaining + ", resetAfter=" + resetAfter + ")";
  }
}
