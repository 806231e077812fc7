package dev.portico.gateway.config;

/**
 * The {@code admin:} section.
 *
 * @param token the bearer token for admin calls; empty means only {@code /health}, {@code /ready}
 *     and {@code /metrics} answer
 */
public record AdminSettings(int port, String host, String token) {

  public static final int DEFAULT_PORT = 9876;
  public static final String DEFAULT_HOST = "127.0.0.1";

  @Override
  public String toString() {
    return "AdminSettings[port=" + port + ", host=" + host + ", token=" + (token.isEmpty() ? "" : "***") + "]";
  }
}
