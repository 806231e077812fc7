package dev.portico.plugins.jwt;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bound configuration of one {@code jwt} policy.
 *
 * @param issuer the required {@code iss}, or null to accept any
 * @param audiences accepted {@code aud} values (the token needs one of them), empty to accept any
 * @param jwksUri where RS/PS/ES keys come from, or null
 * @param trustStore a PEM file trusted for an {@code https} {@code jwksUri} besides the JVM's store, or null
 * @param secret the HMAC secret (raw UTF-8), or null
 * @param algorithms the accepted {@code alg} values; never {@code none}
 * @param leeway clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 * @param requiredClaims claims the token must carry with this value (403 otherwise)
 * @param scopes scopes the token must all grant (403 otherwise)
 * @param jwksRefresh how often keys are refreshed when the JWKS response has no {@code Cache-Control: max-age}
 * @param jwksMinRefetch the least time between two fetches caused by an unknown {@code kid}
 * @param jwksTimeout how long one JWKS fetch may take
 * @param cacheSize how many verified tokens are remembered; 0 disables the cache
 * @param cacheTtl the longest a verified token is remembered (never past its {@code exp})
 */
public record JwtConfig(
    String issuer,
    List<String> audiences,
    String jwksUri,
    String trustStore,
    String secret,
    Set<String> algorithms,
    Duration leeway,
    Map<String, String> requiredClaims,
    List<String> scopes,
    Duration jwksRefresh,
    Duration jwksMinRefetch,
    Duration jwksTimeout,
    int cacheSize,
    Duration cacheTtl) {

  /** The HMAC algorithms, verified with {@code secret} only. */
  static final Set<String> HMAC = Set.of("HS256", "HS384", "HS512");

  /** The public-key algorithms, verified with keys from {@code jwksUri} only. */
  static final Set<String> PUBLIC_KEY = Set.of("RS256", "RS384", "RS512", "PS256", "ES256", "ES384");

  public JwtConfig {
    audiences = List.copyOf(audiences);
    algorithms = Set.copyOf(algorithms);
    requiredClaims = Map.copyOf(requiredClaims);
    scopes = List.copyOf(scopes);
  }

  /** Whether some accepted algorithm needs keys from {@code jwksUri}. */
  boolean usesJwks() {
    return jwksUri != null && algorithms.stream().anyMatch(PUBLIC_KEY::contains);
  }

  /** Never shows the secret: a configuration may end up in a log line or an exception message. */
  @Override
  public String toString() {
    return "JwtConfig[issuer=" + issuer + ", audiences=" + audiences + ", jwksUri=" + jwksUri
        + ", secret=" + (secret == null ? "null" : "***") + ", algorithms=" + algorithms + "]";
  }
}
