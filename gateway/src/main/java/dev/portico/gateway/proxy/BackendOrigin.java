package dev.portico.gateway.proxy;

import io.vertx.core.net.TrustOptions;

/**
 * One backend process a try is sent to, and how its connections are made: each origin has its own
 * pool of keep-alive connections on each event loop ({@link BackendClients}).
 *
 * @param key what tells one pool from another: scheme, host, port, trust store, and for an
 *     upstream's target the upstream (its pool size is the upstream's)
 * @param authority the {@code Host} header the backend gets
 * @param poolSize connections per event loop
 */
public record BackendOrigin(String key, String host, int port, boolean ssl, String authority, TrustOptions trust,
    int poolSize, long connectTimeoutMillis) {

  /**
   * @param trustKey tells origins with different trust stores apart; null for the JVM's
   * @param pool a prefix for the pool's key: origins with the same one share connections
   */
  public static BackendOrigin of(String scheme, String host, int port, TrustOptions trust, String trustKey, String pool,
      int poolSize, long connectTimeoutMillis) {
    boolean ssl = "https".equals(scheme);
    boolean defaultPort = ssl ? port == 443 : port == 80;
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    String authority = defaultPort ? h : h + ":" + port;
    String key = pool + scheme + "://" + h + ":" + port + (trustKey == null ? "" : "#" + trustKey);
    return new BackendOrigin(key, host, port, ssl, authority, trust, poolSize, connectTimeoutMillis);
  }
}
