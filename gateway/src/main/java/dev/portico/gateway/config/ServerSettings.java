package dev.portico.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code server:} section: the client-facing listener.
 *
 * @param instances event-loop verticles; 0 = one per core
 * @param trustedProxies CIDR blocks whose {@code X-Forwarded-For} is believed
 * @param tls null for plain HTTP
 * @param bodyTimeout how long a request body may take to arrive in full (then 408, connection closed)
 * @param accessLog whether one JSON line per request is written to the {@code portico.access} logger
 */
public record ServerSettings(
    int port,
    String host,
    int instances,
    long maxHeaderSize,
    long maxBodySize,
    Duration drainTimeout,
    Duration bodyTimeout,
    List<Cidr> trustedProxies,
    Tls tls,
    boolean accessLog) {

  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final long DEFAULT_MAX_HEADER_SIZE = 8 * 1024;
  public static final long DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024;
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);

  public ServerSettings {
    trustedProxies = List.copyOf(trustedProxies);
  }

  /** PEM files for HTTPS on the listener. */
  public record Tls(Path cert, Path key) {}
}
