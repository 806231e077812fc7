package dev.portico.gateway.config;

/**
 * The {@code admin:} section.
 *
 * @param token the bearer token for admin calls; empty means only {@code /health}, {@code /ready}
 *     and {@code /metrics} answer. When the file has no {@code admin.token}, it is the environment's
 *     {@value #TOKEN_VARIABLE} (empty when unset).
 */
public record AdminSettings(int port, String host, String token) {

  public static final int DEFAULT_PORT = 9876;
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The environment variable {@code admin.token} defaults to. */
  public static final String TOKEN_VARIABLE = "PORTICO_ADMIN_TOKEN";

  @Override
  public String toString() {
    return "AdminSettings[port=" + port + ", host=" + host + ", token=" + (token.isEmpty() ? "" : "***") + "]";
  }
}
