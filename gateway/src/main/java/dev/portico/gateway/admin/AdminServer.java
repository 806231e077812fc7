package dev.portico.gateway.admin;

import dev.portico.gateway.metrics.GatewayMetrics;
import dev.portico.gateway.plugin.LoadedPolicy;
import dev.portico.gateway.state.Definitions;
import dev.portico.gateway.upstream.UpstreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The admin API on its own port (loopback by default). {@code /health}, {@code /ready} and
 * {@code /metrics} answer anyone; every other call needs {@code Authorization: Bearer <admin.token>},
 * and with no token configured answers 403 saying how to set one. Bound to loopback, it answers
 * only requests that name a loopback host, and 421 to others ({@link LoopbackHosts}).
 */
public final class AdminServer {

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final boolean loopbackOnly;
  private final byte[] token;
  private final BooleanSupplier ready;
  private final AdminApi apis;
  private final Supplier<JsonArray> plugins;
  private final GatewayMetrics metrics;
  private final UpstreamReports upstreams;
  private HttpServer server;

  /**
   * @param definitions the APIs, which {@code /apis} reads and writes
   * @param refresh makes the current state serve on this node; a write answers once it completes
   */
  public AdminServer(Vertx vertx, String host, int port, String token, BooleanSupplier ready,
      Definitions definitions, DefinitionJson json, Supplier<Future<Void>> refresh, List<LoadedPolicy> plugins,
      GatewayMetrics metrics, UpstreamRegistry upstreams) {
    this.vertx = vertx;
    this.upstreams = new UpstreamReports(upstreams);
    this.host = host;
    this.port = port;
    this.loopbackOnly = LoopbackHosts.isLoopback(host);
    this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
    this.ready = ready;
    this.apis = new AdminApi(definitions, json, refresh);
    this.plugins = () -> pluginsJson(plugins);
    this.metrics = metrics;
  }

  public Future<AdminServer> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(port, host).map(s -> this);
  }

  public int actualPort() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest req) {
    if (loopbackOnly && !LoopbackHosts.named(req)) {
      AdminApi.error(req, 421, "Misdirected Request: the admin API listens on " + host
          + " and answers only requests to Host localhost, 127.0.0.1 or [::1]");
      return;
    }
    String path = req.path();
    boolean get = "GET".equals(req.method().name());
    if (get && path.equals("/health")) {
      AdminApi.send(req, 200, new JsonObject().put("status", "UP"));
      return;
    }
    if (get && path.equals("/ready")) {
      boolean ok = ready.getAsBoolean();
      AdminApi.send(req, ok ? 200 : 503, new JsonObject().put("status", ok ? "READY" : "NOT_READY"));
      return;
    }
    if (get && path.equals("/metrics")) {
      metrics.scrape(vertx).onComplete(text -> req.response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(text),
          e -> AdminApi.error(req, 500, "cannot render the metrics: " + e.getMessage()));
      return;
    }
    if (token == null) {
      AdminApi.error(req, 403, "The admin API is disabled: start the gateway with PORTICO_ADMIN_TOKEN set in its "
          + "environment (or admin.token in the configuration) to use it");
      return;
    }
    if (!authorized(req.getHeader(HttpHeaders.AUTHORIZATION))) {
      req.response().putHeader("WWW-Authenticate", "Bearer realm=\"portico-admin\"");
      AdminApi.error(req, 401, "Unauthorized: send Authorization: Bearer <admin.token>");
      return;
    }
    if ((path.equals("/apis") || path.startsWith("/apis/")) && apis.handle(req)) {
      return;
    }
    if (get && path.equals("/plugins")) {
      AdminApi.send(req, 200, plugins.get());
    } else if (get && path.equals("/upstreams")) {
      AdminApi.send(req, 200, upstreams.all());
    } else if (get && path.startsWith("/upstreams/")) {
      String name = path.substring("/upstreams/".length());
      JsonObject report = upstreams.one(name);
      if (report == null) {
        AdminApi.error(req, 404, "Not Found: no upstream '" + name + "'");
      } else {
        AdminApi.send(req, 200, report);
      }
    } else {
      AdminApi.error(req, 404, "Not Found");
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
  }

  /** {@code GET /plugins}: each policy the gateway loaded, its kind and where it came from. */
  private static JsonArray pluginsJson(List<LoadedPolicy> plugins) {
    JsonArray out = new JsonArray();
    for (LoadedPolicy p : plugins) {
      out.add(new JsonObject().put("name", p.name()).put("kind", p.kind().label()).put("source", p.source()));
    }
    return out;
  }
}
