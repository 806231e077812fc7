package dev.portico.spi;

import io.vertx.core.Future;

/**
 * Rewrites the request on its way to the backend and/or the response on its way back.
 *
 * <p>All hooks default to doing nothing, so a transformer implements only the ones it needs:
 *
 * <ul>
 *   <li>{@link #onMatch}: right after the path matched, before the method check, authorizers and
 *       throttlers. It may {@linkplain RequestContext#respond answer} the request at once, as a
 *       CORS preflight does.</li>
 *   <li>{@link #onRequest}: after authorizers and throttlers allowed the request, before the
 *       integration. It changes {@link RequestContext#request()}; it may answer instead of the
 *       backend.</li>
 *   <li>{@link #onResponse}: after the response head is known, in the reverse order of
 *       {@code onRequest}. It changes {@link RequestContext#response()}. It also runs on the
 *       gateway's own error responses once the path has matched
 *       ({@link GatewayResponse#fromGateway()} tells them apart).</li>
 * </ul>
 *
 * <p>Bodies stream through the gateway untouched unless a transformer asks for one by returning a
 * positive limit from {@link #requestBodyLimit} or {@link #responseBodyLimit}; the gateway then
 * buffers that body, up to the limit, before calling the hook. Example, a transformer that tags
 * requests and responses:
 *
 * <pre>{@code
 * final class Tagger implements Transformer {
 *   public Future<Void> onRequest(RequestContext ctx) {
 *     ctx.request().headers().set("X-Tenant", ctx.principal().id());
 *     return Future.succeededFuture();
 *   }
 *   public Future<Void> onResponse(RequestContext ctx) {
 *     ctx.response().headers().set("X-Served-By", "portico");
 *     return Future.succeededFuture();
 *   }
 * }
 * }</pre>
 */
public non-sealed interface Transformer extends Policy {

  /**
   * Runs right after the path matched, before anything else.
   *
   * @return a future that succeeds when done; if the hook called {@link RequestContext#respond},
   *     that response is sent and nothing else runs. A {@link Rejection} answers with its status.
   */
  default Future<Void> onMatch(RequestContext ctx) {
    return Future.succeededFuture();
  }

  /**
   * Rewrites the request before the integration.
   *
   * @return a future that succeeds when the request has been rewritten; if the hook called {@link
   *     RequestContext#respond}, that response is sent instead of calling the backend. A {@link
   *     Rejection} answers with its status (400 for a request that fails validation).
   */
  default Future<Void> onRequest(RequestContext ctx) {
    return Future.succeededFuture();
  }

  /**
   * Rewrites the response before it is sent to the client.
   *
   * @return a future that succeeds when the response has been rewritten. A {@link Rejection}
   *     replaces the response with the rejection's error.
   */
  default Future<Void> onResponse(RequestContext ctx) {
    return Future.succeededFuture();
  }

  /**
   * How much of the request body this transformer needs to read in {@link #onRequest}, decided
   * per request (for example only for {@code application/json}). Called after authorizers and
   * throttlers allowed the request.
   *
   * @return 0 (the default) to let the body stream; otherwise the largest body, in bytes, the
   *     gateway buffers for it. A larger body is answered 413.
   */
  default long requestBodyLimit(RequestContext ctx) {
    return 0;
  }

  /**
   * How much of the response body this transformer needs to read in {@link #onResponse}, decided
   * once the response head is known.
   *
   * @return 0 (the default) to let the body stream; otherwise the largest body, in bytes, the
   *     gateway buffers for it. A larger body is passed through untouched, with a warning logged,
   *     and {@link GatewayResponse#body()} stays {@code null} for this hook.
   */
  default long responseBodyLimit(RequestContext ctx) {
    return 0;
  }
}
