package dev.portico.gateway.server;

import dev.portico.gateway.metrics.GatewayMetrics;
import dev.portico.gateway.pipeline.AccessLog;
import dev.portico.gateway.pipeline.Pipeline;
import dev.portico.gateway.pipeline.ServingContext;
import dev.portico.gateway.proxy.BackendClients;
import dev.portico.gateway.serving.ActiveConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One event loop of the client-facing listener: its own HTTP server on the shared port, its own
 * backend clients, the shared configuration.
 */
final class ProxyVerticle extends VerticleBase {

  private final HttpServerOptions options;
  private final Supplier<ActiveConfig> active;
  private final GatewayMetrics metrics;
  private HttpServer server;
  private BackendClients clients;

  ProxyVerticle(HttpServerOptions options, Supplier<ActiveConfig> active, GatewayMetrics metrics) {
    this.options = options;
    this.active = active;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    clients = new BackendClients(vertx);
    Pipeline pipeline = new Pipeline(new ServingContext(vertx, clients, active, metrics), new AccessLog());
    Map<HttpConnection, SmugglingGuard> guards = new HashMap<>();
    server = vertx.createHttpServer(options)
        .connectionHandler(connection -> {
          SmugglingGuard guard = SmugglingGuard.install(connection, options);
          if (guard != null) {
            guards.put(connection, guard);
          }
          metrics.connectionOpened();
          connection.closeHandler(v -> {
            guards.remove(connection);
            pipeline.connectionClosed(connection);
            metrics.connectionClosed();
          });
        })
        .invalidRequestHandler(InvalidRequests::handle)
        .requestHandler(request -> {
          if (request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // the guard answers on this request's response if its chunked body turns out malformed
            SmugglingGuard guard = guards.get(request.connection());
            if (guard != null) {
              guard.chunkedRequest(request);
            }
          }
          pipeline.handle(request);
        });
    return server.listen();
  }

  /** Stops accepting and lets requests in flight finish, for at most {@code millis}. */
  Future<Void> drain(long millis) {
    return server == null ? Future.succeededFuture() : server.shutdown(millis, TimeUnit.MILLISECONDS);
  }

  int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (clients != null) {
      clients.close();
    }
    return Future.succeededFuture();
  }
}
