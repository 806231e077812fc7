package dev.portico.gateway.cli;

import dev.portico.spi.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portico token --sub alice}: prints an HS256 JWT for trying a route guarded by {@code jwt}
 * with a {@code secret}, such as the demo's {@code /demo/me}. Signed here with the JDK's HMAC: the
 * gateway does not use the {@code jwt} plugin's classes (plugins live in their own class loaders).
 *
 * <pre>
 * TOKEN=$(bin/portico token --sub alice --claim email=alice@example.com)
 * curl -H "Authorization: Bearer $TOKEN" localhost:8080/demo/me
 * </pre>
 */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
    description = "Print an HS256 JWT for trying a jwt-protected route (by default, for the demo's secret).")
public final class TokenCommand implements Callable<Integer> {

  /**
   * The secret of the demo route in {@code conf/portico.yaml} when {@code PORTICO_DEMO_SECRET} is
   * not set. Public on purpose: it protects nothing but the demo; set your own for anything else.
   */
  public static final String DEMO_SECRET = "portico-demo-secret-change-me-0123456789";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @Spec
  CommandSpec spec;

  @Option(names = "--sub", required = true, paramLabel = "SUBJECT", description = "The token's subject: the principal's id")
  String sub;

  @Option(names = "--secret", paramLabel = "SECRET",
      description = "The HMAC secret (default: $PORTICO_DEMO_SECRET, else the demo's secret)")
  String secret;

  @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", description = "How long the token is valid, e.g. 15m, 1h, 1d (default: 1h)")
  String ttl;

  @Option(names = "--iss", paramLabel = "ISSUER", description = "The token's issuer (iss)")
  String issuer;

  @Option(names = "--aud", paramLabel = "AUDIENCE", description = "The token's audience (aud)")
  String audience;

  @Option(names = "--scope", paramLabel = "SCOPES", description = "The token's scopes, space-separated (scope)")
  String scope;

  @Option(names = "--claim", paramLabel = "NAME=VALUE", description = "Another claim, as a string; repeatable")
  Map<String, String> claims = new LinkedHashMap<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration validity = ConfigReader.parseDuration(ttl);
    if (validity == null || validity.isZero()) {
      err.println("--ttl: must be a duration such as 15m, 1h or 1d (was '" + ttl + "')");
      return 2;
    }
    String key = secret != null ? secret : System.getenv().getOrDefault("PORTICO_DEMO_SECRET", DEMO_SECRET);
    if (key.isEmpty()) {
      err.println("--secret: must not be empty");
      return 2;
    }
    long now = System.currentTimeMillis() / 1000;
    JsonObject payload = new JsonObject();
    claims.forEach(payload::put);
    payload.put("sub", sub).put("iat", now).put("exp", now + validity.toSeconds());
    if (issuer != null) {
      payload.put("iss", issuer);
    }
    if (audience != null) {
      payload.put("aud", audience);
    }
    if (scope != null) {
      payload.put("scope", scope);
    }
    out.println(sign(key, payload));
    out.flush();
    return 0;
  }

  /** A compact HS256 JWS of {@code payload} with the UTF-8 bytes of {@code secret} as the key. */
  static String sign(String secret, JsonObject payload) {
    String input = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(payload);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
    }
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
