package dev.portico.gateway.pipeline;

import dev.portico.gateway.metrics.RouteMetrics;
import dev.portico.gateway.proxy.Bodies;
import dev.portico.gateway.proxy.GatewayFailure;
import dev.portico.gateway.proxy.HopByHop;
import dev.portico.gateway.proxy.RequestIds;
import dev.portico.gateway.routing.RouteMatch;
import dev.portico.spi.Rejection;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import dev.portico.gateway.routing.RequestPaths;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a request, top to bottom:
 *
 * <ol>
 *   <li>refuse what must never reach a backend (ambiguous framing, a body over the limit);</li>
 *   <li>match the path to a route (404); when the method has none, keep a route of the path that has
 *       transformers (for a CORS preflight, the requested method's), so they see the 405;</li>
 *   <li>transformers' {@code onMatch} (may answer, e.g. a preflight), then the method check (405);</li>
 *   <li>authorizers, each must allow; the last one's principal stands;</li>
 *   <li>throttlers, the key's usage plan first; a rejection gives back what earlier ones took (429);</li>
 *   <li>transformers' {@code onRequest}, with the body buffered first if one asks for it;</li>
 *   <li>the integration;</li>
 *   <li>transformers' {@code onResponse} in reverse order, on the backend's response or the
 *       gateway's own error alike;</li>
 *   <li>the response streams to the client; one access-log line.</li>
 * </ol>
 *
 * <p>A route without policies skips straight from 2 to 7. Every failure becomes exactly one status
 * in {@link #fail}: a {@link Rejection} is the policy's answer, a {@link GatewayFailure} the
 * backend's (502, 504, 413), anything else a plugin bug (500, logged with the plugin's name).
 */
public final class Pipeline {

  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final Future<Void> DONE = Future.succeededFuture();
  private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  /** nginx's status for a request whose client went away before its response. */
  static final int CLIENT_CLOSED_REQUEST = 499;

  private final ServingContext serving;
  private final AccessLog accessLog;
  private final ClosingConnections closing = new ClosingConnections();
  private final BodyHandling bodies = new BodyHandling(closing);
  private final PolicyChain policies;

  public Pipeline(ServingContext serving, AccessLog accessLog) {
    this.serving = serving;
    this.accessLog = accessLog;
    this.policies = new PolicyChain(serving);
  }

  public void handle(HttpServerRequest req) {
    if (closing.isClosing(req)) {
      return; // pipelined behind a response after which the connection closes: never forwarded
    }
    long start = System.nanoTime();
    ActiveConfig active = serving.active();
    String requestId = RequestIds.keepOrCreate(req.getHeader("X-Request-Id"));

    // 1. framing and size: decided before anything is read or forwarded
    MultiMap in = req.headers();
    String contentLength = in.get(HttpHeaders.CONTENT_LENGTH);
    if (contentLength != null && in.contains(HttpHeaders.TRANSFER_ENCODING)) {
      // SmugglingGuard refuses this in the decoder; this is the fallback if it could not be installed
      sendEarlyError(req, active, requestId, start, 400, "Content-Length and Transfer-Encoding must not both be present", true);
      return;
    }
    if (contentLength != null && active.maxBodySize() > 0 && BodyHandling.parseLength(contentLength) > active.maxBodySize()) {
      sendEarlyError(req, active, requestId, start, 413, "Content Too Large", true);
      return;
    }
    boolean hasBody = Bodies.hasBody(req);
    if (hasBody) {
      req.pause(); // nothing of the body may be read before a policy or the backend asks for it
    }
    String path;
    String query;
    try {
      path = RequestPaths.normalize(req.path());
      query = RequestPaths.query(req.query());
    } catch (RequestPaths.InvalidTarget unreadable) {
      sendEarlyError(req, active, requestId, start, 400, "Bad Request: " + unreadable.getMessage(), false);
      return;
    }

    // 2. routing
    RouteMatch<CompiledRoute> match = active.routes().match(req.method().name(), path);
    if (match instanceof RouteMatch.Found<CompiledRoute> primary && primary.target().canary != null) {
      match = canary(req, active, path, primary);
    }
    Set<String> methodNotAllowed = null;
    if (match instanceof RouteMatch.MethodNotAllowed<CompiledRoute> notAllowed) {
      RouteMatch.Found<CompiledRoute> withTransformers = routeForMethodNotAllowed(req, active, path, notAllowed);
      if (withTransformers == null) {
        sendEarlyError(req, active, requestId, start, 405, null, false, notAllowed.allowHeader());
        return;
      }
      methodNotAllowed = notAllowed.allowedMethods();
      match = withTransformers;
    }
    if (!(match instanceof RouteMatch.Found<CompiledRoute> found)) {
      sendEarlyError(req, active, requestId, start, 404, null, false);
      return;
    }
    Exchange ex = new Exchange(req, found.target(), found.pathParams(), requestId, path, query, start, active, serving);
    ex.methodNotAllowed = methodNotAllowed;
    if (hasBody) {
      ex.bodyDeadline = serving.upstreams().deadlines().arm(active.bodyTimeoutMillis(), () -> bodyTimedOut(ex));
    }

    if (ex.route.plain) {
      integrate(ex);
    } else {
      runPolicies(ex);
    }
  }

  // ---- the policy phases -------------------------------------------------------------------

  private void runPolicies(Exchange ex) {
    policies.onMatch(ex)
        .compose(v -> {
          if (ex.answered()) {
            return DONE;
          }
          if (ex.methodNotAllowed != null) {
            return Future.failedFuture(
                Rejection.of(405, "Method Not Allowed").header("Allow", allowHeader(ex.methodNotAllowed)));
          }
          return policies.authorize(ex)
              .compose(v2 -> policies.throttle(ex))
              .compose(v2 -> bodies.bufferRequestBody(ex))
              .compose(v2 -> policies.onRequest(ex));
        })
        .onComplete(ar -> {
          if (ar.failed()) {
            fail(ex, ar.cause());
          } else if (ex.answered()) {
            respond(ex);
          } else {
            integrate(ex);
          }
        });
  }

  // ---- the integration and the response ----------------------------------------------------

  private void integrate(Exchange ex) {
    ex.route.integration.call(ex, serving.upstreams()).onComplete(ar -> {
      if (ar.failed()) {
        fail(ex, ar.cause());
        return;
      }
      UpstreamResponse up = ar.result();
      ex.cancelUpstream = up.cancel();
      if (ex.route.transformers.length == 0) {
        sendUpstream(ex, up);
        return;
      }
      MultiMap headers = HttpHeaders.headers();
      HopByHop.copy(up.headers(), headers, false);
      ex.response = new OutboundResponse(up.status(), headers, up.body(), up.stream(), false);
      respondThroughTransformers(ex, up);
    });
  }

  /** The fast path: no transformer will look at the response, so it goes out as the integration gave it. */
  private void sendUpstream(Exchange ex, UpstreamResponse up) {
    HttpServerResponse resp = ex.request.response();
    if (resp.ended() || resp.closed()) {
      up.cancel().run();
      answeredElsewhereOrGone(ex, resp);
      return;
    }
    resp.setStatusCode(up.status());
    MultiMap headers = resp.headers();
    HopByHop.copy(up.headers(), headers, false);
    headers.set(X_REQUEST_ID, ex.requestId);
    if (ex.rateLimitHeaders != null) {
      RateLimitHeaders.write(headers, ex.rateLimitHeaders);
    }
    Future<Void> sent;
    if (up.stream() != null) {
      sent = stream(ex, up.stream(), resp);
    } else {
      Buffer body = up.body() == null ? Buffer.buffer() : up.body();
      headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
      sent = resp.end(body);
    }
    whenSent(ex, resp, sent);
  }

  /** Runs {@code onResponse} in reverse order, then sends; an error on the way replaces the response. */
  private void respondThroughTransformers(Exchange ex, UpstreamResponse up) {
    bodies.bufferResponseBody(ex)
        .compose(v -> policies.onResponse(ex))
        .onComplete(ar -> {
          if (ar.failed()) {
            if (up != null) {
              up.cancel().run();
            }
            failWithoutTransformers(ex, ar.cause());
          } else {
            send(ex);
          }
        });
  }

  private void respond(Exchange ex) {
    if (ex.route.transformers.length == 0) {
      send(ex);
    } else {
      respondThroughTransformers(ex, null);
    }
  }

  /** Writes the response: head, rate-limit headers, and the body from its buffer or its stream. */
  private void send(Exchange ex) {
    OutboundResponse r = ex.response;
    HttpServerResponse resp = ex.request.response();
    if (resp.ended() || resp.closed()) {
      answeredElsewhereOrGone(ex, resp);
      return;
    }
    resp.setStatusCode(r.status());
    MultiMap headers = resp.headers();
    headers.setAll(r.headers());
    headers.set(X_REQUEST_ID, ex.requestId);
    if (ex.rateLimitHeaders != null) {
      RateLimitHeaders.write(headers, ex.rateLimitHeaders);
    }
    bodies.settleRequestBody(ex);
    Future<Void> sent;
    if (r.stream() != null) {
      sent = stream(ex, r.stream(), resp);
    } else {
      Buffer body = r.body() == null ? Buffer.buffer() : r.body();
      headers.remove(HttpHeaders.TRANSFER_ENCODING);
      if (!headers.contains(HttpHeaders.CONTENT_LENGTH) || r.fromGateway() || bodyChanged(r)) {
        headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
      }
      sent = resp.end(body);
    }
    whenSent(ex, resp, sent);
  }

  /** Once the response is sent (or abandoned): the route's metrics and the access log. */
  private void whenSent(Exchange ex, HttpServerResponse resp, Future<Void> sent) {
    sent.onComplete(ar -> served(ex, resp.getStatusCode(), ar.succeeded()));
  }

  private void served(Exchange ex, int status, boolean completed) {
    if (ex.counted) {
      return;
    }
    ex.counted = true;
    if (ex.bodyDeadline != null) {
      ex.bodyDeadline.disarm();
    }
    long upstream = ex.upstreamStartNanos > 0 && ex.upstreamHeadNanos > 0 ? ex.upstreamHeadNanos - ex.upstreamStartNanos : -1;
    metricsOf(serving, ex.route).served(status, System.nanoTime() - ex.startNanos, upstream);
    if (ex.active.accessLog() && accessLog.enabled()) {
      accessLog.log(ex, status, completed);
    }
  }

  /**
   * The response can no longer be written: the client went away before it (logged and counted as
   * 499, as nginx does), or the connection's guard already answered it (a malformed chunked body:
   * counted with the status it got). Either way once, and never as a backend failure.
   */
  private void answeredElsewhereOrGone(Exchange ex, HttpServerResponse resp) {
    served(ex, resp.ended() ? resp.getStatusCode() : CLIENT_CLOSED_REQUEST, false);
  }

  /**
   * {@code server.bodyTimeout} ran out before the request body arrived in full (a client trickling
   * it, or gone quiet): 408 and the connection closed, wherever the request was — waiting on a
   * policy, buffering the body, or streaming it to the backend (whose exchange is then reset as the
   * connection closes). The request's own flow finds the response ended and stops there.
   */
  private void bodyTimedOut(Exchange ex) {
    HttpServerRequest req = ex.request;
    HttpServerResponse resp = req.response();
    if (req.isEnded() || resp.ended()) {
      return;
    }
    if (resp.headWritten() || resp.closed()) {
      req.connection().close(); // a response under way cannot become a 408: cut it
      return;
    }
    resp.setStatusCode(408);
    resp.headers().set(HttpHeaders.CONTENT_TYPE, GatewayError.CONTENT_TYPE).set(X_REQUEST_ID, ex.requestId);
    closing.closeAfterResponse(req);
    whenSent(ex, resp, resp.end(GatewayError.body(408, GatewayError.reason(408), ex.requestId)));
    if (ex.cancelUpstream != null) {
      ex.cancelUpstream.run(); // the body streaming to the backend will never end: stop the backend request
    }
  }

  /**
   * Streams the backend's body to the client with back-pressure.
   *
   * <p>Not {@code resp.send(stream)}: its pipe <em>ends</em> the response when the source fails, so
   * a chunked body cut short by the backend would look complete to the client. Here a failure on
   * either side resets the client's connection (a body cut short is seen as one) and abandons the
   * backend exchange (a client gone mid-download stops the backend's transfer).
   */
  private static Future<Void> stream(Exchange ex, ReadStream<Buffer> body, HttpServerResponse resp) {
    if (!resp.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      resp.setChunked(true);
    }
    Future<Void> piped = body.pipe().endOnFailure(false).to(resp);
    piped.onFailure(e -> {
      resp.reset();
      if (ex.cancelUpstream != null) {
        ex.cancelUpstream.run();
      }
    });
    return piped;
  }

  private static boolean bodyChanged(OutboundResponse r) {
    String length = r.headers().get(HttpHeaders.CONTENT_LENGTH);
    return length == null || r.body() != null && BodyHandling.parseLength(length) != r.body().length();
  }

  // ---- failures --------------------------------------------------------------------------

  /** Turns any failure into the gateway's error response, passed through the route's response transformers. */
  private void fail(Exchange ex, Throwable cause) {
    HttpServerResponse resp = ex.request.response();
    if (resp.ended() || resp.closed()) {
      answeredElsewhereOrGone(ex, resp); // whatever failed, it failed because the client's side is done
      return;
    }
    ex.response = errorResponse(ex, cause);
    respond(ex);
  }

  private void failWithoutTransformers(Exchange ex, Throwable cause) {
    ex.response = errorResponse(ex, cause);
    send(ex);
  }

  private OutboundResponse errorResponse(Exchange ex, Throwable cause) {
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

  private void sendEarlyError(HttpServerRequest req, ActiveConfig active, String requestId, long start,
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

  /** Where the listener reports every closed client connection. */
  public void connectionClosed(HttpConnection connection) {
    closing.closed(connection);
  }

  // ---- small helpers ---------------------------------------------------------------------

  /**
   * The match in the stage's canary deployment when this request is drawn for it, else the
   * primary one. Only requests that match a route of the primary deployment take part.
   */
  private static RouteMatch<CompiledRoute> canary(HttpServerRequest req, ActiveConfig active, String path,
      RouteMatch.Found<CompiledRoute> primary) {
    CanaryRoutes canary = primary.target().canary;
    String client = null;
    if (canary.sticky()) {
      String peer = req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress();
      client = active.clientAddress().sourceIp(peer, req.getHeader("X-Forwarded-For"));
    }
    return canary.chosen(client) ? canary.routes.match(req.method().name(), path) : primary;
  }

  /**
   * The route whose transformers handle a request whose method has no route on a path that does:
   * for a CORS preflight, the route the real request would take; otherwise the first route of the
   * path (in method order) that has transformers. Its {@code onMatch} runs before the method check
   * and its {@code onResponse} sees the 405, so a CORS policy can answer the preflight and put its
   * headers on the error (contract, section 8). Null when no such route has a transformer: a plain
   * 405.
   */
  private static RouteMatch.Found<CompiledRoute> routeForMethodNotAllowed(HttpServerRequest req, ActiveConfig active,
      String path, RouteMatch.MethodNotAllowed<CompiledRoute> notAllowed) {
    String requested = req.getHeader("Access-Control-Request-Method");
    if ("OPTIONS".equals(req.method().name()) && requested != null && req.getHeader("Origin") != null) {
      RouteMatch.Found<CompiledRoute> preflight = withTransformers(active.routes().match(requested.trim(), path));
      if (preflight != null) {
        return preflight;
      }
    }
    for (String method : notAllowed.allowedMethods()) {
      RouteMatch.Found<CompiledRoute> found = withTransformers(active.routes().match(method, path));
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static RouteMatch.Found<CompiledRoute> withTransformers(RouteMatch<CompiledRoute> m) {
    return m instanceof RouteMatch.Found<CompiledRoute> f && f.target().transformers.length > 0 ? f : null;
  }

  private static String allowHeader(Set<String> methods) {
    return String.join(", ", methods);
  }

  /** The route's meters: looked up once, then read from the route (see {@link CompiledRoute#metrics}). */
  static RouteMetrics metricsOf(ServingContext serving, CompiledRoute route) {
    RouteMetrics m = route.metrics;
    if (m == null) {
      m = serving.metrics().route(route.api, route.routePath, route.stage, route.deployment);
      route.metrics = m;
    }
    return m;
  }
}
