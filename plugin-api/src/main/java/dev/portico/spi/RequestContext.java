package dev.portico.spi;

import io.vertx.core.Vertx;
import java.util.Map;

/**
 * One client request on its way through a route: what matched, who is calling, the request that
 * will be sent to the backend and, after the integration, the response that will be sent back.
 *
 * <p>A context belongs to one request and is only ever touched from that request's event loop, so
 * policies read and change it without synchronisation, but must not keep it after their hook's
 * future has completed.
 *
 * <pre>{@code
 * public Future<Void> onRequest(RequestContext ctx) {
 *   String tenant = ctx.pathParam("tenant");                  // from /t/{tenant}/...
 *   ctx.request().headers().set("X-Tenant", tenant);
 *   ctx.request().headers().set("X-Backend", ctx.stageVariable("backend"));
 *   return Future.succeededFuture();
 * }
 * }</pre>
 */
public interface RequestContext {

  /** The request id: the client's {@code X-Request-Id} if it was sane, otherwise a new one. */
  String requestId();

  /** The name of the API whose route matched. */
  String apiName();

  /** The stage the request was addressed to: {@code $default}, or the first path segment. */
  String stage();

  /** The matched route's path template, as written in the configuration, e.g. {@code /pets/{id}}. */
  String routePath();

  /**
   * Identifies the matched route within the gateway: its API, stage, methods and path template,
   * e.g. {@code petstore $default GET,HEAD /pets/{id}}. Two routes never share an id, even when
   * they differ only by their methods, and a route keeps its id across deployments as long as those
   * stay the same. Use it to scope per-route state, such as counter keys:
   *
   * <pre>{@code
   * counters.takeToken("my-limit " + ctx.routeId(), 10, 20);   // one bucket per route
   * }</pre>
   *
   * <p>The default, for contexts that know no methods, is API, stage and path template.
   */
  default String routeId() {
    return apiName() + ' ' + stage() + ' ' + routePath();
  }

  /** The method the client sent. */
  String method();

  /** The path the client sent, without the query string. */
  String path();

  /** A path parameter of the matched route ({@code {id}}, or {@code {proxy+}} as {@code proxy}); null if absent. */
  String pathParam(String name);

  /** All path parameters of the matched route. */
  Map<String, String> pathParams();

  /** A stage variable of the stage being served; null if the stage has no such variable. */
  String stageVariable(String name);

  /**
   * The client's address: the right-most address of {@code X-Forwarded-For} that is not a trusted
   * proxy ({@code server.trustedProxies}), or the connection's peer.
   */
  String sourceIp();

  /**
   * The caller, as set by the last authorizer that ran, or {@link Principal#ANONYMOUS} before any
   * authorizer ran or on a route without one.
   */
  Principal principal();

  /** The request as it will be sent to the integration; transformers change it in place. */
  GatewayRequest request();

  /**
   * The response as it will be sent to the client; {@code null} before the integration answered
   * (or before a policy called {@link #respond}).
   */
  GatewayResponse response();

  /**
   * Answers the request from the gateway instead of the backend. The returned response starts with
   * the status and no headers or body; the hook may fill them in. Once a hook that called this
   * completes, the gateway skips the remaining request phases and sends this response.
   */
  GatewayResponse respond(int status);

  /** A value another policy stored for this request with {@link #put}, or null. */
  <T> T get(String key);

  /** Stores a value for later policies of this request (namespace keys with the plugin's name). */
  void put(String key, Object value);

  /** The Vert.x instance, for timers and clients. */
  Vertx vertx();
}
