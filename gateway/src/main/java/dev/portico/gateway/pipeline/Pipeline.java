package dev.portico.gateway.pipeline;

import dev.portico.gateway.metrics.RouteMetrics;
import dev.portico.gateway.plugin.PolicyHandle;
import dev.portico.gateway.proxy.Bodies;
import dev.portico.gateway.proxy.GatewayFailure;
import dev.portico.gateway.proxy.HopByHop;
import dev.portico.gateway.proxy.RequestIds;
import dev.portico.gateway.proxy.UpstreamResponse;
import dev.portico.gateway.routing.RequestPaths;
import dev.portico.gateway.routing.RouteMatch;
import dev.portico.gateway.serving.ActiveConfig;
import dev.portico.gateway.serving.CanaryRoutes;
import dev.portico.gateway.serving.CompiledRoute;
import dev.portico.spi.Rejection;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;

/**
 * The life of a request, top to bottom:
 *
 * <ol>
 *   <li>refuse what must never reach a backend (ambiguous framing, a body over the limit, a target
 *       that cannot be read), and start the clock of the body;</li>
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
 *
 * <p>This class keeps the order; each step's work is done by the one that owns it:
 * {@link PolicyChain} runs a phase's plugins, {@link BodyHandling} buffers a body or settles an
 * unread one, {@link ErrorResponses} maps a failure to its answer, {@link ResponseWriter} writes the
 * response and counts it. All of them are created once per event loop, with the pipeline.
 */
public final class Pipeline {

  private static final Future<Void> DONE = Future.succeededFuture();

  private final ServingContext serving;
  private final ClosingConnections closing = new ClosingConnections();
  private final BodyHandling bodies = new BodyHandling(closing);
  private final PolicyChain policies;
  private final ResponseWriter responses;
  private final ErrorResponses errors;

  public Pipeline(ServingContext serving, AccessLog accessLog) {
    this.serving = serving;
    this.policies = new PolicyChain(serving);
    this.responses = new ResponseWriter(serving, accessLog, closing, bodies);
    this.errors = new ErrorResponses(serving, accessLog, closing, bodies);
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
      errors.sendEarlyError(req, active, requestId, start, 400, "Content-Length and Transfer-Encoding must not both be present", true);
      return;
    }
    if (contentLength != null && active.maxBodySize() > 0 && BodyHandling.parseLength(contentLength) > active.maxBodySize()) {
      errors.sendEarlyError(req, active, requestId, start, 413, "Content Too Large", true);
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
      errors.sendEarlyError(req, active, requestId, start, 400, "Bad Request: " + unreadable.getMessage(), false);
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
        errors.sendEarlyError(req, active, requestId, start, 405, null, false, notAllowed.allowHeader());
        return;
      }
      methodNotAllowed = notAllowed.allowedMethods();
      match = withTransformers;
    }
    if (!(match instanceof RouteMatch.Found<CompiledRoute> found)) {
      errors.sendEarlyError(req, active, requestId, start, 404, null, false);
      return;
    }
    Exchange ex = new Exchange(req, found.target(), found.pathParams(), requestId, path, query, start, active, serving);
    ex.methodNotAllowed = methodNotAllowed;
    if (hasBody) {
      ex.bodyDeadline = serving.clients().deadlines().arm(active.bodyTimeoutMillis(), () -> responses.bodyTimedOut(ex));
    }

    if (ex.route.plain) {
      integrate(ex);
    } else {
      runPolicies(ex);
    }
  }

  // ---- the policy phases -------------------------------------------------------------------

  private void runPolicies(Exchange ex) {
    // 3. onMatch, then the method check
    policies.onMatch(ex)
        .compose(v -> {
          if (ex.answered()) {
            return DONE;
          }
          if (ex.methodNotAllowed != null) {
            return Future.failedFuture(
                Rejection.of(405, "Method Not Allowed").header("Allow", allowHeader(ex.methodNotAllowed)));
          }
          // 4. authorizers, 5. throttlers, 6. onRequest
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

  /** 7. The integration; a route without transformers sends its response as it came. */
  private void integrate(Exchange ex) {
    ex.route.integration.call(ex, serving.clients()).onComplete(ar -> {
      if (ar.failed()) {
        fail(ex, ar.cause());
        return;
      }
      UpstreamResponse up = ar.result();
      ex.cancelUpstream = up.cancel();
      if (ex.route.transformers.length == 0) {
        responses.sendUpstream(ex, up);
        return;
      }
      MultiMap headers = HttpHeaders.headers();
      HopByHop.copy(up.headers(), headers, false);
      ex.response = new OutboundResponse(up.status(), headers, up.body(), up.stream(), false);
      respondThroughTransformers(ex, up);
    });
  }

  /** 8. Runs {@code onResponse} in reverse order, then 9. sends; an error on the way replaces the response. */
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
            responses.send(ex);
          }
        });
  }

  private void respond(Exchange ex) {
    if (ex.route.transformers.length == 0) {
      responses.send(ex);
    } else {
      respondThroughTransformers(ex, null);
    }
  }

  // ---- failures --------------------------------------------------------------------------

  /** Turns any failure into the gateway's error response, passed through the route's response transformers. */
  private void fail(Exchange ex, Throwable cause) {
    HttpServerResponse resp = ex.request.response();
    if (resp.ended() || resp.closed()) {
      responses.answeredElsewhereOrGone(ex, resp); // whatever failed, it failed because the client's side is done
      return;
    }
    ex.response = errors.errorResponse(ex, cause);
    respond(ex);
  }

  private void failWithoutTransformers(Exchange ex, Throwable cause) {
    ex.response = errors.errorResponse(ex, cause);
    responses.send(ex);
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
   * headers on the error (docs/CONFIGURATION.md, the cors policy). Null when no such route has a transformer: a plain
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
