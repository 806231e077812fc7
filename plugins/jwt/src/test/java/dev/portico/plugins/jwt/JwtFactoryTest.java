package dev.portico.plugins.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading the {@code jwt} configuration: defaults, and every problem with its path. */
class JwtFactoryTest {

  private static final String PATH = "apis[0].routes[2].policies[0].jwt";
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  private final List<String> problems = new ArrayList<>();

  private JwtConfig parse(String json) {
    ConfigReader reader = new ConfigReader(new JsonObject(json), PATH, problems);
    JwtConfig config = new JwtFactory().parse(reader);
    reader.finish();
    return config;
  }

  @Test
  void isFoundByServiceLoaderAsTheJwtAuthorizerWithASecretKey() {
    List<PolicyFactory<?>> found = new ArrayList<>();
    for (PolicyFactory<?> factory : ServiceLoader.load(PolicyFactory.class)) {
      if (factory.name().equals("jwt")) {
        found.add(factory);
      }
    }
    assertEquals(1, found.size());
    assertEquals(PolicyKind.AUTHORIZER, found.get(0).kind());
    assertEquals(Set.of("secret"), found.get(0).secretKeys());
  }

  @Test
  void algorithmsDefaultToHs256WithASecretAndToRs256Es256WithAJwksUri() {
    assertEquals(Set.of("HS256"), parse("{\"secret\": \"" + SECRET + "\"}").algorithms());
    assertEquals(Set.of("RS256", "ES256"), parse("{\"jwksUri\": \"https://id.example.com/jwks\"}").algorithms());
    assertEquals(List.of(), problems);
  }

  @Test
  void readsEveryKeyWithItsDefaults() {
    JwtConfig c = parse("""
        {"issuer": "https://id.example.com", "audience": "pets", "jwksUri": "http://127.0.0.1:1/jwks",
         "requiredClaims": {"tenant": "acme"}, "scopes": ["pets:read"]}""");
    assertEquals(List.of(), problems);
    assertEquals("https://id.example.com", c.issuer());
    assertEquals(List.of("pets"), c.audiences());
    assertEquals(Map.of("tenant", "acme"), c.requiredClaims());
    assertEquals(List.of("pets:read"), c.scopes());
    assertEquals(Duration.ofSeconds(30), c.leeway());
    assertEquals(Duration.ofMinutes(5), c.jwksRefresh());
    assertEquals(Duration.ofSeconds(10), c.jwksMinRefetch());
    assertEquals(10_000, c.cacheSize());
    assertEquals(Duration.ofMinutes(5), c.cacheTtl());
  }

  @Test
  void noneIsRefusedAsAnAlgorithm() {
    parse("{\"secret\": \"" + SECRET + "\", \"algorithms\": [\"HS256\", \"none\"]}");
    assertEquals(List.of(PATH + ".algorithms[1]: 'none' is never accepted: a token must be signed"), problems);
  }

  @Test
  void eachAlgorithmNeedsItsKindOfKey() {
    parse("{\"secret\": \"" + SECRET + "\", \"algorithms\": [\"HS256\", \"RS256\"]}");
    assertEquals(List.of(PATH + ".algorithms[1]: RS256 needs a jwksUri to get its keys from"), problems);
    problems.clear();
    parse("{\"jwksUri\": \"https://id.example.com/jwks\", \"algorithms\": [\"HS384\"]}");
    assertEquals(List.of(PATH + ".algorithms[0]: HS384 needs a secret"), problems);
  }

  @Test
  void unknownAlgorithmIsNamed() {
    parse("{\"jwksUri\": \"https://id.example.com/jwks\", \"algorithms\": [\"RS265\"]}");
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).startsWith(PATH + ".algorithms[0]: must be one of "), problems.get(0));
  }

  @Test
  void aSecretOrAJwksUriIsRequired() {
    parse("{\"issuer\": \"https://id.example.com\"}");
    assertEquals(List.of(PATH + ": needs a secret (HS256, HS384, HS512) or a jwksUri (RS256, ES256, ...)"), problems);
  }

  @Test
  void aSecretShorterThanTheHashIsRefused() {
    parse("{\"secret\": \"short\"}");
    assertEquals(List.of(PATH + ".secret: must be at least 32 bytes for HS256 (was 5)"), problems);
    problems.clear();
    parse("{\"secret\": \"" + SECRET + "\", \"algorithms\": [\"HS512\"]}");
    assertEquals(List.of(PATH + ".secret: must be at least 64 bytes for HS512 (was 32)"), problems);
  }

  @Test
  void aSecretBesideAJwksUriNeedsAnHmacAlgorithmListed() {
    parse("{\"secret\": \"" + SECRET + "\", \"jwksUri\": \"https://id.example.com/jwks\"}");
    assertEquals(List.of(PATH + ".secret: is unused: algorithms has no HMAC algorithm (add HS256 to algorithms)"), problems);
    problems.clear();
    JwtConfig both = parse("{\"secret\": \"" + SECRET + "\", \"jwksUri\": \"https://id.example.com/jwks\", \"algorithms\": [\"RS256\", \"HS256\"]}");
    assertEquals(List.of(), problems);
    assertEquals(Set.of("RS256", "HS256"), both.algorithms());
  }

  @Test
  void jwksUriIsHttpOrHttpsWithAHost() {
    parse("{\"jwksUri\": \"file:///etc/jwks.json\"}");
    assertEquals(List.of(PATH + ".jwksUri: must be an http or https URL with a host (was 'file:///etc/jwks.json')"), problems);
  }

  @Test
  void trustStoreAppliesToAnHttpsJwksUriOnly() {
    parse("{\"jwksUri\": \"http://id.example.com/jwks\", \"trustStore\": \"ca.pem\"}");
    assertEquals(List.of(PATH + ".trustStore: applies to an https jwksUri only"), problems);
  }

  @Test
  void unknownKeysAndBadDurationsAreReportedWithTheirPath() {
    parse("{\"secret\": \"" + SECRET + "\", \"leway\": \"30s\", \"leeway\": \"soon\", \"cacheSize\": -1}");
    assertTrue(problems.contains(PATH + ".leway: unknown key"), problems.toString());
    assertTrue(problems.contains(PATH + ".leeway: must be a duration such as 250ms, 5s or 1m (was 'soon')"), problems.toString());
    assertTrue(problems.contains(PATH + ".cacheSize: must be between 0 (no cache) and 10000000"), problems.toString());
  }

  @Test
  void theSecretNeverShowsInTheConfigurationsText() {
    JwtConfig c = parse("{\"secret\": \"" + SECRET + "\"}");
    assertFalse(c.toString().contains(SECRET), c.toString());
  }
}
