package dev.portico.plugins.jwt;

import dev.portico.spi.Authorizer;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import dev.portico.spi.RequestContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Verifies the bearer token of each request; see {@link JwtFactory} for the configuration.
 *
 * <p>In order: the {@code Authorization} header must occur at most once (400 otherwise); a token
 * verified before answers from {@link VerifiedTokens}. Otherwise the token's header is read
 * (unverified): a {@code crit} member refuses the token, since RFC 7515 (section 4.1.11) requires
 * refusing critical extensions that are not understood and this class understands none; its
 * {@code alg} must be one of {@code algorithms}, which picks HMAC ({@code secret}) or public keys
 * ({@code jwksUri}); its {@code kid} may trigger a JWKS fetch. Then vertx-auth-jwt (which ignores
 * {@code crit}) verifies the signature, {@code iss} and {@code aud}; this class checks {@code exp},
 * {@code nbf} and {@code iat} with the leeway, the {@code sub}, then {@code requiredClaims} and
 * {@code scopes}. Every failure up to the {@code sub} is 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"}; a missing claim or scope is 403. Tokens
 * that pass are remembered in {@link VerifiedTokens}.
 *
 * <p>{@link VerifiedTokens} is asked first: it holds only tokens that passed all of the above, so a
 * hit needs none of it again, and a token the header refuses is never in it.
 */
final class JwtAuthorizer implements Authorizer {

  private static final String CHALLENGE = "Bearer";
  private static final String INVALID = "Bearer error=\"invalid_token\"";

  private final JwtConfig config;
  private final PerThread hmac;
  private final JwksCache jwks;
  private final VerifiedTokens verified;
  private final long leewaySeconds;

  JwtAuthorizer(Vertx vertx, JwtConfig config, JwksCache jwks) {
    this.config = config;
    this.jwks = jwks;
    this.hmac = hmacVerifier(vertx, config);
    this.verified = new VerifiedTokens(config.cacheSize(), config.cacheTtl().toMillis());
    this.leewaySeconds = config.leeway().toSeconds();
  }

  /** What vertx-auth-jwt checks besides the signature; time claims are checked here, for precise answers. */
  static JWTOptions jwtOptions(JwtConfig config) {
    JWTOptions options = new JWTOptions().setIgnoreExpiration(true);
    if (config.issuer() != null) {
      options.setIssuer(config.issuer());
    }
    if (!config.audiences().isEmpty()) {
      options.setAudience(new ArrayList<>(config.audiences()));
    }
    return options;
  }

  /** Verifiers holding the secret under the accepted HMAC algorithms only, or null. */
  private static PerThread hmacVerifier(Vertx vertx, JwtConfig config) {
    if (config.secret() == null) {
      return null;
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwtOptions(config));
    boolean any = false;
    for (String alg : config.algorithms()) {
      if (JwtConfig.HMAC.contains(alg)) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(config.secret()));
        any = true;
      }
    }
    return any ? new PerThread(vertx, options) : null;
  }

  @Override
  public Future<Principal> authorize(RequestContext ctx) {
    String authorization;
    try {
      authorization = ctx.request().singleHeader("Authorization");
    } catch (Rejection twoHeaders) {
      return Future.failedFuture(twoHeaders);
    }
    String token = bearerToken(authorization);
    if (token == null) {
      return Future.failedFuture(Rejection.unauthorized("a bearer token is required").header("WWW-Authenticate", CHALLENGE));
    }
    // Only tokens that passed every check below are remembered, the header's included: a hit
    // skips them all (a token is immutable) and costs no parsing on the hot path.
    Principal known = verified.get(token, System.currentTimeMillis());
    if (known != null) {
      return Future.succeededFuture(known);
    }
    JoseHeader header = JoseHeader.of(token);
    if (header == null) {
      return invalid("the token is not a signed JWT");
    }
    if (header.crit()) {
      return invalid("the token's header has crit, and no critical extension is supported");
    }
    if (!config.algorithms().contains(header.alg())) {
      return invalid("the token's algorithm " + printable(header.alg()) + " is not accepted");
    }
    if (JwtConfig.HMAC.contains(header.alg())) {
      return verify(hmac.get(), token);
    }
    Context caller = Vertx.currentContext();
    Future<Principal> result = jwks.keysFor(header.kid()).compose(keys -> {
      JWTAuth verifier = keys.verifier();
      if (verifier == null) {
        return keys.loaded()
            ? invalid("no key of the issuer matches the token")
            : Future.failedFuture(Rejection.of(503, "the issuer's signing keys are not available yet"));
      }
      return verify(verifier, token);
    });
    return onContext(caller, result);
  }

  /**
   * The result, completed on the request's event loop. A request that waited for a JWKS fetch is
   * woken on the thread that ran the fetch, which may be another event loop; the gateway and later
   * policies expect the request's own.
   */
  private static <T> Future<T> onContext(Context context, Future<T> result) {
    if (context == null || result.isComplete()) {
      return result;
    }
    Promise<T> back = Promise.promise();
    result.onComplete(ar -> context.runOnContext(v -> back.handle(ar)));
    return back.future();
  }

  @Override
  public void close() {
    if (jwks != null) {
      jwks.close();
    }
    verified.clear();
  }

  private Future<Principal> verify(JWTAuth auth, String token) {
    Future<User> user;
    try {
      user = auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      user = Future.failedFuture(e);
    }
    return user.transform(ar -> {
      if (ar.failed()) {
        return invalid(reason(ar.cause()));
      }
      JsonObject claims = ar.result().attributes().getJsonObject("accessToken");
      if (claims == null) {
        return invalid("the token has no claims");
      }
      return check(token, claims);
    });
  }

  /** The checks after the signature, issuer and audience: time, subject, then what the route requires. */
  private Future<Principal> check(String token, JsonObject claims) {
    long nowMillis = System.currentTimeMillis();
    long now = nowMillis / 1000;
    Long exp = numericDate(claims, "exp");
    Long nbf = numericDate(claims, "nbf");
    Long iat = numericDate(claims, "iat");
    if (exp == null && claims.containsKey("exp") || nbf == null && claims.containsKey("nbf")
        || iat == null && claims.containsKey("iat")) {
      return invalid("exp, nbf and iat must be numbers of seconds");
    }
    if (exp != null && now - leewaySeconds >= exp) {
      return invalid("the token has expired");
    }
    if (nbf != null && now + leewaySeconds < nbf) {
      return invalid("the token is not valid yet");
    }
    if (iat != null && now + leewaySeconds < iat) {
      return invalid("the token was issued in the future");
    }
    if (!(claims.getValue("sub") instanceof String sub) || sub.isEmpty()) {
      return invalid("the token has no sub");
    }
    for (Map.Entry<String, String> required : config.requiredClaims().entrySet()) {
      if (!hasValue(claims.getValue(required.getKey()), required.getValue())) {
        return Future.failedFuture(Rejection.forbidden("the token's " + required.getKey() + " claim is not '"
            + required.getValue() + "'"));
      }
    }
    if (!config.scopes().isEmpty()) {
      List<String> granted = scopes(claims);
      for (String scope : config.scopes()) {
        if (!granted.contains(scope)) {
          return Future.failedFuture(Rejection.forbidden("the token lacks the scope '" + scope + "'")
              .header("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"" + String.join(" ", config.scopes()) + "\""));
        }
      }
    }
    Principal principal = Principal.of(sub, withoutNulls(claims));
    verified.put(token, principal, exp == null ? Long.MAX_VALUE : exp * 1000, nowMillis);
    return Future.succeededFuture(principal);
  }

  /** The token of {@code Authorization: Bearer <token>} (scheme case-insensitive), or null. */
  static String bearerToken(String authorization) {
    if (authorization == null || authorization.length() <= 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /**
   * What this class reads of a JWS header: {@code alg} and {@code kid} choose the key; {@code crit}
   * is whether the header has a {@code crit} member at all (an empty list is invalid too).
   */
  private record JoseHeader(String alg, String kid, boolean crit) {

    /**
     * The header of a JWS in compact form (three non-empty parts), or null when it is not one.
     * Unverified: the signature is checked afterwards with the key it chooses.
     */
    static JoseHeader of(String token) {
      int first = token.indexOf('.');
      int second = first < 0 ? -1 : token.indexOf('.', first + 1);
      if (first <= 0 || second < 0 || second == first + 1 || second == token.length() - 1
          || token.indexOf('.', second + 1) >= 0) {
        return null;
      }
      try {
        byte[] json = Base64.getUrlDecoder().decode(token.substring(0, first));
        JsonObject header = new JsonObject(new String(json, StandardCharsets.UTF_8));
        if (!(header.getValue("alg") instanceof String alg)) {
          return null;
        }
        Object kid = header.getValue("kid");
        if (kid != null && !(kid instanceof String)) {
          return null;
        }
        return new JoseHeader(alg, (String) kid, header.containsKey("crit"));
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  private static String reason(Throwable cause) {
    if (cause instanceof NoSuchKeyIdException) {
      return "no key of the issuer matches the token";
    }
    String message = cause.getMessage();
    if (message == null) {
      return "the token is invalid";
    }
    String lower = message.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("issuer")) {
      return "the token's issuer is not accepted";
    }
    if (lower.contains("aud")) {
      return "the token's audience is not accepted";
    }
    if (lower.contains("signature")) {
      return "the token's signature is invalid";
    }
    return "the token is invalid";
  }

  private static Long numericDate(JsonObject claims, String name) {
    Object v = claims.getValue(name);
    return v instanceof Number n ? n.longValue() : null;
  }

  /** Whether a claim has the required value: equal as text, or, for an array, one of its items. */
  private static boolean hasValue(Object claim, String value) {
    if (claim instanceof JsonArray array) {
      for (Object item : array) {
        if (item != null && !(item instanceof JsonObject) && !(item instanceof JsonArray) && value.equals(String.valueOf(item))) {
          return true;
        }
      }
      return false;
    }
    return (claim instanceof String || claim instanceof Number || claim instanceof Boolean) && value.equals(String.valueOf(claim));
  }

  /** Scopes from {@code scope} (space-separated) or {@code scp} (an array, or a string as some issuers send it). */
  private static List<String> scopes(JsonObject claims) {
    List<String> out = new ArrayList<>();
    for (String name : new String[] {"scope", "scp"}) {
      Object v = claims.getValue(name);
      if (v instanceof String s) {
        for (String part : s.trim().split("\\s+")) {
          if (!part.isEmpty()) {
            out.add(part);
          }
        }
      } else if (v instanceof JsonArray array) {
        for (Object item : array) {
          if (item instanceof String s) {
            out.add(s);
          }
        }
      }
    }
    return out;
  }

  private static Map<String, Object> withoutNulls(JsonObject claims) {
    Map<String, Object> out = new HashMap<>();
    for (Map.Entry<String, Object> e : claims) {
      if (e.getValue() != null) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  private static String printable(String alg) {
    return alg.length() <= 16 && alg.chars().allMatch(c -> c >= 0x21 && c < 0x7f) ? "'" + alg + "'" : "(unprintable)";
  }

  private static <T> Future<T> invalid(String message) {
    return Future.failedFuture(Rejection.unauthorized(message).header("WWW-Authenticate", INVALID));
  }
}
