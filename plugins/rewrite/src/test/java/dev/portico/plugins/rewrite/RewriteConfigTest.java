package dev.portico.plugins.rewrite;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

/** A bad {@code rewrite} configuration is refused at load, one line per problem naming its path in the file. */
class RewriteConfigTest {

  private static String refusal(String policy) {
    AssertionError refused = assertThrows(AssertionError.class, () -> TestGateway.start("""
        apis:
          - name: rw
            basePath: /rw
            routes:
              - path: /a/{id}
                integration: { type: mock, status: 200 }
                policies:
                  - rewrite: %s
        """.formatted(policy)).close());
    return refused.getMessage();
  }

  private static void assertRefused(String policy, String expectedLine) {
    String message = refusal(policy);
    assertTrue(message.contains("\napis[0].routes[0].policies[0].rewrite." + expectedLine), message);
  }

  @Test
  void anUnknownNamespaceIsRefusedWithItsPath() {
    assertRefused("{ path: \"/x/${princpal.id}\" }", "path: unknown namespace 'princpal'");
  }

  @Test
  void anUnclosedPlaceholderIsRefused() {
    assertRefused("{ path: \"/x/${request.path.id\" }", "path: unclosed placeholder");
  }

  @Test
  void aBodyPlaceholderIsRefusedInAPath() {
    assertRefused("{ path: \"/x/${body.id}\" }", "path: placeholder '${body.id}'");
  }

  @Test
  void aPathMustStartWithASlash() {
    assertRefused("{ path: \"x/${request.path.id}\" }", "path: must start with '/'");
  }

  @Test
  void theIntegrationUrisBraceSyntaxIsRefusedWithAHint() {
    assertRefused("{ path: \"/x/{id}\" }", "path: '{name}' is the integration URI's syntax; here write a path parameter as ${request.path.name}");
  }

  @Test
  void aQueryInThePathIsRefused() {
    assertRefused("{ path: \"/x?y=1\" }", "path: is a path only: set query parameters with rewrite.query");
  }

  @Test
  void aConstantPathClimbingAboveTheRootIsRefused() {
    assertRefused("{ path: \"/../x/${request.path.id}\" }", "path: '..' climbs above the root");
  }

  @Test
  void aBadQueryTemplateAndAnUnknownKeyAreEachReported() {
    String message = refusal("{ query: { set: { v: \"${stage}\" }, add: { x: 1 } } }");
    assertTrue(message.contains("rewrite.query.set.v: placeholder '${stage}' has an empty path"), message);
    assertTrue(message.contains("rewrite.query.add: unknown key"), message);
  }

  @Test
  void aRewriteThatChangesNothingIsRefused() {
    String message = refusal("{}");
    assertTrue(message.contains("apis[0].routes[0].policies[0].rewrite: set 'path', 'query' or both"), message);
  }

  @Test
  void aValidRewriteLoads() {
    TestGateway.start("""
        apis:
          - name: rw
            basePath: /rw
            routes:
              - path: /a/{id}
                integration: { type: mock, status: 200 }
                policies:
                  - rewrite: { path: "/b/${request.path.id}/%20x", query: { remove: [a], set: { b: "${requestId}" } } }
        """).close();   // no AssertionError: the configuration loaded
  }
}
