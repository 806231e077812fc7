package dev.portico.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * The pooled keep-alive HTTP clients of one event loop, one per backend origin.
 *
 * @implNote One instance per event-loop verticle, touched only from that event loop: a client
 *     created there keeps its connections on that loop, so a proxied exchange never hops threads.
 */
public final class BackendClients {

  /**
   * Connections per event loop to a backend named by its URL: wrk-style loads hold 64 client
   * connections. (An upstream's targets get {@code maxConnectionsPerTarget} shared out among the
   * event loops instead.)
   */
  public static final int DEFAULT_POOL_SIZE = 64;

  private final Vertx vertx;
  private final Map<String, HttpClient> clients = new HashMap<>();
  private final Deadlines deadlines;

  /** Must be created on the event loop it serves. */
  public BackendClients(Vertx vertx) {
    this.vertx = vertx;
    this.deadlines = new Deadlines(vertx);
  }

  Vertx vertx() {
    return vertx;
  }

  public Deadlines deadlines() {
    return deadlines;
  }

  HttpClient client(BackendOrigin origin) {
    HttpClient client = clients.get(origin.key());
    if (client == null) {
      client = create(origin);
      clients.put(origin.key(), client);
    }
    return client;
  }

  private HttpClient create(BackendOrigin origin) {
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setKeepAliveTimeout(60)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setMaxHeaderSize(64 * 1024)
        // a last safety net: a stalled response body is cut by the integration's idleTimeout first
        .setIdleTimeout(3600)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, origin.connectTimeoutMillis()))
        .setSsl(origin.ssl())
        .setVerifyHost(true);
    if (origin.trust() != null) {
      options.setTrustOptions(origin.trust());
    }
    return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(origin.poolSize()));
  }

  public void close() {
    deadlines.close();
    clients.values().forEach(HttpClient::close);
    clients.clear();
  }
}
