package dev.portico.gateway.proxy;

/**
 * Why the gateway could not get an answer from a backend, as the status the client gets: 502
 * (refused, reset, garbage), 503 (no usable target, or the upstream's circuit is open), 504 (too
 * slow), 413 (the client's body was over the limit while streaming), 499 (the client went away
 * first: nothing is sent; the status nginx logs for it). Stackless: it is an expected outcome,
 * counted and logged briefly.
 */
public final class GatewayFailure extends RuntimeException {

  private final int status;
  private final boolean beforeSending;
  private final long retryAfterSeconds;

  public GatewayFailure(int status, String message, Throwable cause) {
    this(status, message, cause, false, 0);
  }

  private GatewayFailure(int status, String message, Throwable cause, boolean beforeSending, long retryAfterSeconds) {
    super(message, cause, false, false);
    this.status = status;
    this.beforeSending = beforeSending;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** No connection to the backend could be had: nothing of the request was sent (safe to send elsewhere). */
  static GatewayFailure connectFailure(Throwable cause) {
    return new GatewayFailure(502, "Bad Gateway", cause, true, 0);
  }

  /** A 503 the client should retry after {@code seconds}: sent with {@code Retry-After}. */
  public static GatewayFailure unavailable(String why, long seconds) {
    return new GatewayFailure(503, why, null, false, Math.max(1, seconds));
  }

  public int status() {
    return status;
  }

  /** Whether it failed before any of the request reached the backend. */
  public boolean beforeSending() {
    return beforeSending;
  }

  /** The {@code Retry-After} to send, in seconds; 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
