package dev.portico.plugins.cors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

/** A bad {@code cors} configuration is refused at load, one line per problem naming its path in the file. */
class CorsConfigTest {

  private static String refusal(String policy) {
    AssertionError refused = assertThrows(AssertionError.class, () -> TestGateway.start("""
        apis:
          - name: app
            basePath: /app
            routes:
              - path: /a
                integration: { type: mock, status: 200 }
                policies:
                  - cors: %s
        """.formatted(policy)).close());
    return refused.getMessage();
  }

  private static void assertRefused(String policy, String expectedLine) {
    String message = refusal(policy);
    assertTrue(message.contains("\napis[0].routes[0].policies[0].cors." + expectedLine), message);
  }

  @Test
  void credentialsWithAWildcardOriginIsRefused() {
    assertRefused("{ origins: ['*'], credentials: true }", "credentials: cannot be true with origins: ['*']");
  }

  @Test
  void originsAreRequired() {
    assertRefused("{ methods: [GET] }", "origins: is required");
  }

  @Test
  void anOriginWithAPathIsRefusedWithTheFix() {
    assertRefused("{ origins: [\"https://app.example.com/\"] }",
        "origins[0]: 'https://app.example.com/' is not an origin: an origin has no path, not even '/' (write 'https://app.example.com')");
  }

  @Test
  void somethingThatIsNoOriginIsRefused() {
    assertRefused("{ origins: [\"app.example.com\"] }", "origins[0]: 'app.example.com' is not an origin");
    assertRefused("{ origins: [\"https://app.example.com:99999\"] }", "origins[0]: 'https://app.example.com:99999' has an invalid port");
  }

  @Test
  void aWildcardAmongOtherOriginsIsRefused() {
    assertRefused("{ origins: ['*', \"https://a.example.com\"] }", "origins: '*' already allows every origin");
  }

  @Test
  void anInvalidMethodOrHeaderNameIsRefused() {
    String message = refusal("{ origins: ['*'], methods: [GET, \"BAD METHOD\"], headers: [\"X:Y\"] }");
    assertTrue(message.contains("cors.methods[1]: 'BAD METHOD' is not a valid method"), message);
    assertTrue(message.contains("cors.headers[0]: 'X:Y' is not a valid header name"), message);
  }

  @Test
  void exposingEveryHeaderWithCredentialsIsRefused() {
    assertRefused("{ origins: [\"https://a.example.com\"], credentials: true, exposeHeaders: ['*'] }",
        "exposeHeaders: '*' is no wildcard for requests with credentials");
  }

  @Test
  void aBadMaxAgeAndAnUnknownKeyAreEachReported() {
    String message = refusal("{ origins: ['*'], maxAge: soon, allowOrigins: ['*'] }");
    assertTrue(message.contains("cors.maxAge: must be a duration"), message);
    assertTrue(message.contains("cors.allowOrigins: unknown key"), message);
  }

  @Test
  void originsAreComparedAsBrowsersSerialiseThem() {
    assertEquals("https://app.example.com", Origins.normalize("HTTPS://App.Example.com:443"));
    assertEquals("http://localhost:3000", Origins.normalize("http://localhost:3000"));
    assertEquals("http://[::1]:8080", Origins.normalize("http://[::1]:8080"));
    assertEquals("http://[::1]", Origins.normalize("http://[::1]:80"));
  }
}
