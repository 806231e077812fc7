package dev.portico.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A policy's refusal of a request: an expected outcome (401, 403, 400, ...), answered with its
 * status and message as the gateway's JSON error, never logged as a failure. Fail a hook's future
 * with it:
 *
 * <pre>{@code
 * return Future.failedFuture(
 *     Rejection.unauthorized("missing token").header("WWW-Authenticate", "Bearer"));
 * }</pre>
 *
 * <p>Any other exception from a hook is a bug in the plugin: the client gets 500 and the gateway
 * logs it with the plugin's name. Rejections carry no stack trace, so denying is cheap.
 */
public final class Rejection extends RuntimeException {

  private final int status;
  private final Map<String, String> headers;

  private Rejection(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a rejection's status is 4xx or 5xx, not " + status);
    }
    this.status = status;
    this.headers = headers;
  }

  /** A rejection with this status and client-facing message. */
  public static Rejection of(int status, String message) {
    return new Rejection(status, message, Map.of());
  }

  /** 400: the request fails validation; say which field in the message. */
  public static Rejection badRequest(String message) {
    return of(400, message);
  }

  /** 401: missing or invalid credentials. */
  public static Rejection unauthorized(String message) {
    return of(401, message);
  }

  /** 403: valid credentials, not allowed. */
  public static Rejection forbidden(String message) {
    return of(403, message);
  }

  /** This rejection with one more response header (e.g. {@code WWW-Authenticate}). */
  public Rejection header(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Rejection(status, getMessage(), Collections.unmodifiableMap(copy));
  }

  public int status() {
    return status;
  }

  /** Headers to add to the error response. */
  public Map<String, String> headers() {
    return headers;
  }
}
