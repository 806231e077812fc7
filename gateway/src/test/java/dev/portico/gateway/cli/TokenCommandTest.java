package dev.portico.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code portico token}: the JWT it prints, checked by hand with the JDK. */
class TokenCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = PorticoCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static JsonObject decode(String part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }

  private static boolean signedWith(String token, String secret) throws Exception {
    int dot = token.lastIndexOf('.');
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal(token.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
    return MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(token.substring(dot + 1)));
  }

  @Test
  void printsAnHs256TokenForTheSubjectSignedWithTheDemoSecretValidForAnHour() throws Exception {
    assertEquals(0, run("token", "--sub", "alice"), err::toString);
    String token = out.toString().trim();
    String[] parts = token.split("\\.");
    assertEquals(3, parts.length, token);
    assertEquals("HS256", decode(parts[0]).getString("alg"));
    JsonObject claims = decode(parts[1]);
    assertEquals("alice", claims.getString("sub"));
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs(claims.getLong("iat") - now) <= 5, claims.encode());
    assertEquals(3600, claims.getLong("exp") - claims.getLong("iat"));
    String secret = System.getenv().getOrDefault("PORTICO_DEMO_SECRET", TokenCommand.DEMO_SECRET);
    assertTrue(signedWith(token, secret), "signed with the demo secret");
  }

  @Test
  void secretTtlAndClaimsCanBeChosen() throws Exception {
    String secret = "another-secret-that-is-32-bytes-long";
    assertEquals(0, run("token", "--sub", "bob", "--secret", secret, "--ttl", "15m", "--iss", "me",
        "--aud", "pets", "--scope", "pets:read pets:write", "--claim", "email=bob@example.com"), err::toString);
    String token = out.toString().trim();
    JsonObject claims = decode(token.split("\\.")[1]);
    assertEquals(900, claims.getLong("exp") - claims.getLong("iat"));
    assertEquals("me", claims.getString("iss"));
    assertEquals("pets", claims.getString("aud"));
    assertEquals("pets:read pets:write", claims.getString("scope"));
    assertEquals("bob@example.com", claims.getString("email"));
    assertTrue(signedWith(token, secret));
  }

  @Test
  void aMissingSubjectOrABadTtlIsAUsageError() {
    assertEquals(2, run("token"));
    assertEquals(2, run("token", "--sub", "alice", "--ttl", "forever"));
    assertTrue(err.toString().contains("--ttl"), err.toString());
  }
}
