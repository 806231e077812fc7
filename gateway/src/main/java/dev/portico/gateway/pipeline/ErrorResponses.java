package dev.portico.gateway.pipeline;

import dev.portico.gateway.proxy.GatewayFailure;
import dev.portico.gateway.serving.ActiveConfig;
import dev.portico.spi.Rejection;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own answers: a failure mapped to exactly one status with the JSON error body (a
 * {@link Rejection} to its status, a {@link GatewayFailure} to 502, 504 or 413 with the backend's
 * cause logged, a {@link PluginFailure} to 500 with the plugin named), and the errors sent before a
 * route is known (400, 404, 405, 413).
 *
 * <p>Apart from {@link Pipeline} so that what each failure means to the client, and what is logged
 * for the operator, is decided in one place, whatever step the request failed in.
 */
final class ErrorResponses {

  /** Logged under the pipeline's name: operators find 5xx causes and plugin failures by it. */
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private final ServingContext serving;
  private final AccessLog accessLog;
  private final ClosingConnections closing;
  private final BodyHandling bodies;

  ErrorResponses(ServingContext serving, AccessLog accessLog, ClosingConnections closing, BodyHandling bodies) {
    this.serving = serving;
    this.accessLog = accessLog;
    this.closing = closing;
    this.bodies = bodies;
  }

  /** The gateway's error response for a failure of a routed request, for the transformers to see before it is sent. */
  OutboundResponse errorResponse(Exchange ex, Throwable cause) {
    int status;
    String message;
    MultiMap headers = HttpHeaders.headers();
    if (cause instanceof Rejection r) {
      status = r.status();
      message = r.getMessage();
      r.headers().forEach(headers::set);
    } else if (cause instanceof GatewayFailure g) {
      status = g.status();
      message = GatewayError.reason(status);
      if (g.retryAfterSeconds() > 0) {
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(g.retryAfterSeconds()));
      }
      if (status >= 500) {
        log.warn("{} {} {}: {} ({})", ex.requestId, ex.method(), ex.path, g.getMessage(), describe(g.getCause()));
      }
    } else if (cause instanceof PluginFailure p) {
      status = 500;
      message = GatewayError.reason(500);
      log.error("{} {} {}: plugin '{}' ({}) failed", ex.requestId, ex.method(), ex.path, p.policy.name(),
          p.policy.configPath(), p.getCause());
    } else {
      status = 500;
      message = GatewayError.reason(500);
      log.error("{} {} {}: internal error", ex.requestId, ex.method(), ex.path, cause);
    }
    headers.set(HttpHeaders.CONTENT_TYPE, GatewayError.CONTENT_TYPE);
    return new OutboundResponse(status, headers, GatewayError.body(status, message, ex.requestId), null, true);
  }

  private static String describe(Throwable t) {
    return t == null ? "no detail" : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /**
   * Answers a request refused before it has a route, counted as unrouted. {@code close}: its
   * framing cannot be trusted, so the connection closes after the answer; otherwise an unread body
   * is disposed of.
   */
  void sendEarlyError(HttpServerRequest req, ActiveConfig active, String requestId, long start,
      int status, String message, boolean close, String... allow) {
    HttpServerResponse resp = req.response();
    resp.setStatusCode(status);
    MultiMap h = resp.headers();
    h.set(HttpHeaders.CONTENT_TYPE, GatewayError.CONTENT_TYPE);
    h.set("X-Request-Id", requestId);
    if (allow.length > 0) {
      h.set("Allow", allow[0]);
    }
    if (close) {
      closing.closeAfterResponse(req);
    } else {
      bodies.disposeUnreadBody(req);
    }
    Future<Void> sent = resp.end(GatewayError.body(status, message, requestId));
    boolean log = accessLog.enabled() && active.accessLog();
    sent.onComplete(ar -> {
      serving.metrics().unrouted().served(status, System.nanoTime() - start, -1);
      if (log) {
        accessLog.logUnrouted(req, requestId, start, status);
      }
    });
  }
}
