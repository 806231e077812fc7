package dev.portico.gateway.proxy;

/**
 * Why the gateway could not get an answer from a backend, as the status the client gets: 502
 * (refused, reset, garbage), 504 (too slow), 413 (the client's body was over the limit while
 * streaming), 499 (the client went away first: nothing is sent; the status nginx logs for it).
 * Stackless: it is an expected outcome, counted and logged briefly.
 */
public final class GatewayFailure extends RuntimeException {

  private final int status;

  public GatewayFailure(int status, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
