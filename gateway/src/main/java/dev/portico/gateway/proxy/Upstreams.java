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
public final class Upstreams {

  /** Connections per backend origin per event loop: wrk-style loads hold 64 client connections. */
  public static final int DEFAULT_POOL_SIZE = 64;

  private final Vertx vertx;
  private final int poolSize;
  private final Map<String, HttpClient> clients = new HashMap<>();
  private final Deadlines deadlines;

  /** Must be created on the event loop it serves. */
  public Upstreams(Vertx vertx, int poolSize) {
    this.vertx = vertx;
    this.poolSize = poolSize;
    this.deadlines = new Deadlines(vertx);
  }

  public Deadlines deadlines() {
    return deadlines;
  }

  HttpClient client(HttpIntegration target) {
    HttpClient client = clients.get(target.originKey());
    if (client == null) {
      client = create(target);
      clients.put(target.originKey(), client);
    }
    return client;
  }

  private HttpClient create(HttpIntegration target) {
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(true)
        .setKeepAliveTimeout(60)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setMaxHeaderSize(64 * 1024)
        // a safety net for a backend that stalls mid-body; the integration timeout covers the head
        .setIdleTimeout(120)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, target.timeoutMillis()))
        .setSsl(target.ssl())
        .setVerifyHost(true);
    if (target.trust() != null) {
      options.setTrustOptions(target.trust());
    }
    return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(poolSize));
  }

  public void close() {
    deadlines.close();
    clients.values().forEach(HttpClient::close);
    clients.clear();
  }
}
