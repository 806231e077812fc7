package dev.portico.plugins.body;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

/** A bad {@code body} configuration is refused at load, one line per problem naming its path in the file. */
class BodyConfigTest {

  private static String refusal(String policy) {
    AssertionError refused = assertThrows(AssertionError.class, () -> TestGateway.start("""
        apis:
          - name: b
            basePath: /b
            routes:
              - path: /a
                integration: { type: mock, status: 200 }
                policies:
                  - body: %s
        """.formatted(policy)).close());
    return refused.getMessage();
  }

  private static void assertRefused(String policy, String expectedLine) {
    String message = refusal(policy);
    assertTrue(message.contains("\napis[0].routes[0].policies[0].body" + expectedLine), message);
  }

  @Test
  void anUnknownNamespaceDeepInsideATemplateIsRefusedWithItsPath() {
    assertRefused("{ request: { a: { b: [1, \"${princpal.id}\"] } } }", ".request.a.b[1]: unknown namespace 'princpal'");
  }

  @Test
  void anUnclosedPlaceholderInTheResponseIsRefused() {
    assertRefused("{ response: { n: \"x ${body.n\" } }", ".response.n: unclosed placeholder");
  }

  @Test
  void aPolicyWithNeitherTemplateIsRefused() {
    assertRefused("{ maxSize: 1MB }", ": set 'request', 'response' or both: otherwise the policy does nothing");
  }

  @Test
  void aBadMaxSizeIsRefused() {
    assertRefused("{ request: {}, maxSize: lots }", ".maxSize: must be a size");
    assertRefused("{ request: {}, maxSize: 0 }", ".maxSize: must be a positive size");
  }

  @Test
  void anUnknownKeyIsRefused() {
    assertRefused("{ request: {}, requests: {} }", ".requests: unknown key");
  }
}
