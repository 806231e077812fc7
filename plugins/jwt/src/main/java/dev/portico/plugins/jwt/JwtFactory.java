package dev.portico.plugins.jwt;

import dev.portico.spi.PemTrust;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code jwt} authorizer: accepts a request whose {@code Authorization: Bearer} token is a JWT
 * signed with an accepted algorithm and key, within its validity, from the right issuer and for the
 * right audience; the principal is the token's claims, its id the {@code sub}.
 *
 * <pre>{@code
 * - jwt:
 *     jwksUri: https://id.example.com/.well-known/jwks.json   # RS256 and ES256 keys by default
 *     issuer: https://id.example.com
 *     audience: [pets, pets-admin]
 *     scopes: [pets:read]                                    # all required; missing -> 403
 *     requiredClaims: { tenant: acme }                       # missing or different -> 403
 * - jwt:
 *     secret: ${env:JWT_SECRET}                               # HS256 by default
 * }</pre>
 *
 * <p>HMAC algorithms are verified with {@code secret} only and public-key algorithms with keys from
 * {@code jwksUri} only, so a token cannot pick the kind of key it is checked against (algorithm
 * confusion), and {@code none} is not an algorithm this plugin knows.
 */
public final class JwtFactory implements PolicyFactory<JwtConfig> {

  private static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);

  @Override
  public String name() {
    return "jwt";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.AUTHORIZER;
  }

  @Override
  public Set<String> secretKeys() {
    return Set.of("secret");
  }

  @Override
  public JwtConfig parse(ConfigReader config) {
    String issuer = emptyToNull(config.string("issuer", null));
    List<String> audiences = config.strings("audience", List.of());
    String jwksUri = jwksUri(config);
    String trustStore = emptyToNull(config.string("trustStore", null));
    String secret = emptyToNull(config.string("secret", null));
    if (!config.has("jwksUri") && secret == null) {
      config.problem("needs a secret (HS256, HS384, HS512) or a jwksUri (RS256, ES256, ...)");
    }
    if (trustStore != null && (jwksUri == null || !jwksUri.startsWith("https:"))) {
      config.problem("trustStore", "applies to an https jwksUri only");
    }
    Set<String> algorithms = algorithms(config, jwksUri, secret);
    if (secret != null) {
      checkSecret(config, secret, algorithms);
    }
    Duration leeway = config.duration("leeway", DEFAULT_LEEWAY);
    var requiredClaims = config.stringMap("requiredClaims");
    List<String> scopes = config.strings("scopes", List.of());
    Duration jwksRefresh = positive(config, "jwksRefresh", Duration.ofMinutes(5));
    Duration jwksMinRefetch = config.duration("jwksMinRefetch", Duration.ofSeconds(10));
    Duration jwksTimeout = positive(config, "jwksTimeout", Duration.ofSeconds(5));
    long cacheSize = config.integer("cacheSize", 10_000);
    if (cacheSize < 0 || cacheSize > 10_000_000) {
      config.problem("cacheSize", "must be between 0 (no cache) and 10000000");
      cacheSize = 0;
    }
    Duration cacheTtl = positive(config, "cacheTtl", Duration.ofMinutes(5));
    return new JwtConfig(issuer, audiences, jwksUri, trustStore, secret, algorithms, leeway, requiredClaims,
        scopes, jwksRefresh, jwksMinRefetch, jwksTimeout, (int) cacheSize, cacheTtl);
  }

  @Override
  public Policy create(JwtConfig config, PolicyEnvironment env) {
    JwksCache jwks = null;
    if (config.usesJwks()) {
      var trust = config.trustStore() == null ? null : PemTrust.jvmPlus(env.resolve(config.trustStore()));
      jwks = new JwksCache(env.vertx(), config, trust);
      jwks.start();
    }
    return new JwtAuthorizer(env.vertx(), config, jwks);
  }

  private static String jwksUri(ConfigReader config) {
    String text = emptyToNull(config.string("jwksUri", null));
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null) {
        config.problem("jwksUri", "must be an http or https URL with a host (was '" + text + "')");
        return null;
      }
      return text;
    } catch (URISyntaxException e) {
      config.problem("jwksUri", "is not a valid URL: " + e.getMessage());
      return null;
    }
  }

  /** The accepted algorithms: as written, or the documented defaults (docs/CONFIGURATION.md, the jwt policy) for the keys configured. */
  private static Set<String> algorithms(ConfigReader config, String jwksUri, String secret) {
    if (!config.has("algorithms")) {
      Set<String> defaults = new LinkedHashSet<>();
      if (jwksUri != null) {
        defaults.add("RS256");
        defaults.add("ES256");
      } else if (secret != null) {
        defaults.add("HS256");
      }
      return defaults;
    }
    List<String> written = config.strings("algorithms", List.of());
    if (written.isEmpty()) {
      config.problem("algorithms", "must name at least one algorithm");
    }
    Set<String> known = new TreeSet<>(JwtConfig.HMAC);
    known.addAll(JwtConfig.PUBLIC_KEY);
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < written.size(); i++) {
      String alg = written.get(i);
      String where = "algorithms[" + i + "]";
      if (alg.equalsIgnoreCase("none")) {
        config.problem(where, "'none' is never accepted: a token must be signed");
      } else if (!known.contains(alg)) {
        config.problem(where, "must be one of " + String.join(", ", known) + " (was '" + alg + "')");
      } else if (JwtConfig.HMAC.contains(alg) && secret == null) {
        config.problem(where, alg + " needs a secret");
      } else if (JwtConfig.PUBLIC_KEY.contains(alg) && jwksUri == null) {
        config.problem(where, alg + " needs a jwksUri to get its keys from");
      } else {
        out.add(alg);
      }
    }
    return out;
  }

  /**
   * RFC 7518 §3.2: an HMAC key at least as long as the hash. A short secret is guessable offline
   * from any one token, so it is refused rather than warned about.
   */
  private static void checkSecret(ConfigReader config, String secret, Set<String> algorithms) {
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    List<String> hmac = new ArrayList<>();
    int needed = 0;
    for (String alg : algorithms) {
      if (JwtConfig.HMAC.contains(alg)) {
        hmac.add(alg);
        needed = Math.max(needed, Integer.parseInt(alg.substring(2)) / 8);
      }
    }
    if (hmac.isEmpty()) {
      if (!algorithms.isEmpty()) {
        config.problem("secret", "is unused: algorithms has no HMAC algorithm (add HS256 to algorithms)");
      }
    } else if (bytes < needed) {
      config.problem("secret", "must be at least " + needed + " bytes for " + String.join(", ", hmac)
          + " (was " + bytes + ")");
    }
  }

  private static Duration positive(ConfigReader config, String key, Duration defaultValue) {
    Duration d = config.duration(key, defaultValue);
    if (d.isZero() || d.isNegative()) {
      config.problem(key, "must be more than 0");
      return defaultValue;
    }
    return d;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
