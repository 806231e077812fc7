package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.ScriptedPolicies.DENY;
import static dev.portico.gateway.pipeline.ScriptedPolicies.TRACE;
import static dev.portico.gateway.pipeline.Wire.assertGatewayError;
import static dev.portico.gateway.pipeline.Wire.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.pipeline.ScriptedPolicies.Journal;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order of a route's policies (docs/CONFIGURATION.md): authorizers, then throttlers, then request
 * transformers, each kind API-level before route-level in file order, whatever order the file
 * lists the kinds in; response transformers in reverse; every authorizer must allow, and the
 * principal is the last one's.
 */
class PolicyOrderTest {

  private static final Journal journal = new Journal();
  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    // Kinds deliberately listed out of order, at both levels.
    gw = TestGateway.start("""
        apis:
          - name: order
            basePath: /order
            policies:
              - trace: { tag: api-x }
              - test-throttle: { tag: api-t }
              - test-auth: { tag: api-a, principal: first }
            routes:
              - path: /items/{id}
                integration: { type: http, uri: "%s/items/{id}" }
                policies:
                  - headers: { request: { set: { X-User: "${principal.id}" } } }
                  - trace: { tag: route-x }
                  - test-throttle: { tag: route-t }
                  - test-auth: { tag: route-a, principal: second }
        """.formatted(backend.url()), BundledPlugins.dir("headers"),
        new ScriptedPolicies.ScriptedAuthorizer(journal), new ScriptedPolicies.ScriptedThrottler(journal),
        new ScriptedPolicies.TracingTransformer(journal));
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  @BeforeEach
  void clearJournal() {
    journal.clear();
  }

  @Test
  void authorizersThenThrottlersThenRequestTransformersEachApiLevelFirstWhateverTheFileOrder() {
    HttpResponse<String> response = get(gw, "/order/items/7");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals(List.of(
            "match:api-x", "match:route-x",
            "authorize:api-a", "authorize:route-a",
            "throttle:api-t", "throttle:route-t",
            "request:api-x", "request:route-x"),
        backend.nextRequest().headers().getAll(TRACE));
  }

  @Test
  void responseTransformersRunInReverseOrder() {
    HttpResponse<String> response = get(gw, "/order/items/7");

    assertEquals(200, response.statusCode(), response::body);
    backend.nextRequest();
    assertEquals(List.of("response:route-x", "response:api-x"), response.headers().allValues(TRACE));
  }

  @Test
  void theLastAuthorizersPrincipalReachesTheBackendThroughTheHeadersPlugin() {
    HttpResponse<String> response = get(gw, "/order/items/7", "X-User", "forged-by-client");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals(List.of("second"), backend.nextRequest().headers().getAll("X-User"));
  }

  @Test
  void aLaterAuthorizerDenyingDeniesTheRequestBeforeAnyThrottler() {
    HttpResponse<String> response = get(gw, "/order/items/7", DENY, "authorize@route-a:403");

    assertGatewayError(response, 403, "denied by route-a");
    assertEquals(List.of("match:api-x", "match:route-x", "authorize:api-a", "authorize:route-a", "response:route-x",
        "response:api-x"), journal.events());
    assertEquals(0, backend.pending());
  }

  @Test
  void anEarlierAuthorizerDenyingStopsTheChain() {
    HttpResponse<String> response = get(gw, "/order/items/7", DENY, "authorize@api-a:401");

    assertGatewayError(response, 401, "denied by api-a");
    assertTrue(journal.events().contains("authorize:api-a"), journal.events()::toString);
    assertTrue(journal.events().stream().noneMatch(e -> e.equals("authorize:route-a") || e.startsWith("throttle:")),
        journal.events()::toString);
    assertEquals(0, backend.pending());
  }
}
