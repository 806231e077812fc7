package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.Wire.assertGatewayError;
import static dev.portico.gateway.pipeline.Wire.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The bundled {@code headers} plugin through a real gateway, loaded from its own jar as the
 * distribution loads it (docs/CONFIGURATION.md): what the backend and the client see.
 */
class PolicyHeadersPluginTest {

  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start().handler(req -> req.body().onSuccess(body -> req.response()
        .putHeader("X-Backend-Secret", "internal")
        .putHeader("X-Replaced", "from-backend")
        .putHeader("X-Added", "from-backend")
        .end("ok")));
    gw = TestGateway.start("""
        apis:
          - name: hdr
            basePath: /hdr
            stages:
              $default: { variables: { v: default-stage } }
              beta: { variables: { v: beta-stage } }
            routes:
              - path: /items/{id}
                integration: { type: http, uri: "%1$s/items/{id}" }
                policies:
                  - test-auth: { tag: auth, principal: alice }
                  - headers:
                      request:
                        remove: [X-Secret]
                        set:
                          X-Replaced: set-by-gateway
                          X-From-Header: "${request.header.X-Client}"
                          X-From-Query: "${request.query.q}"
                          X-From-Path: "${request.path.id}"
                          X-From-Stage: "${stage.v}"
                          X-Request: "${requestId}"
                          X-User: "${principal.id}"
                        add:
                          X-Added: added-by-gateway
                      response:
                        remove: [X-Backend-Secret]
                        set: { X-Replaced: set-for-client }
                        add: { X-Added: added-for-client }
              - path: /tenant
                integration: { type: http, uri: "%1$s/tenant" }
                policies:
                  - headers: { request: { set: { X-Tenant-Id: "${request.header.X-Tenant!}" } } }
              - path: /search
                integration: { type: http, uri: "%1$s/search" }
                policies:
                  - headers: { request: { set: { X-Search: "${request.query.q}" } } }
        """.formatted(backend.url()), BundledPlugins.dir("headers"),
        new ScriptedPolicies.ScriptedAuthorizer(new ScriptedPolicies.Journal()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  @Test
  void requestSetAddAndRemoveReachTheBackend() {
    HttpResponse<String> response = get(gw, "/hdr/items/1",
        "X-Secret", "from-client", "X-Replaced", "from-client", "X-Added", "from-client");

    assertEquals(200, response.statusCode(), response::body);
    Backend.Received seen = backend.nextRequest();
    assertFalse(seen.headers().contains("X-Secret"), seen.headers()::toString);
    assertEquals(List.of("set-by-gateway"), seen.headers().getAll("X-Replaced"));
    assertEquals(List.of("from-client", "added-by-gateway"), seen.headers().getAll("X-Added"));
  }

  @Test
  void responseSetAddAndRemoveReachTheClient() {
    HttpResponse<String> response = get(gw, "/hdr/items/1");

    assertEquals(200, response.statusCode(), response::body);
    assertFalse(response.headers().firstValue("X-Backend-Secret").isPresent(), response.headers().map()::toString);
    assertEquals(List.of("set-for-client"), response.headers().allValues("X-Replaced"));
    assertEquals(List.of("from-backend", "added-for-client"), response.headers().allValues("X-Added"));
  }

  @Test
  void templatesRenderTheRequestTheStageTheRequestIdAndThePrincipal() {
    HttpResponse<String> response = get(gw, "/beta/hdr/items/42?q=blue%20fish",
        "X-Client", "client-7", "X-Request-Id", "req-123");

    assertEquals(200, response.statusCode(), response::body);
    Backend.Received seen = backend.nextRequest();
    assertEquals("client-7", seen.headers().get("X-From-Header"));
    assertEquals("blue fish", seen.headers().get("X-From-Query"));
    assertEquals("42", seen.headers().get("X-From-Path"));
    assertEquals("beta-stage", seen.headers().get("X-From-Stage"));
    assertEquals("req-123", seen.headers().get("X-Request"));
    assertEquals("alice", seen.headers().get("X-User"));
  }

  @Test
  void aMissingRequiredValueIs400NamingIt() {
    HttpResponse<String> missing = get(gw, "/hdr/tenant");

    String message = assertGatewayError(missing, 400, null).getString("message");
    assertTrue(message.contains("X-Tenant"), message);
    assertEquals(0, backend.pending());

    HttpResponse<String> present = get(gw, "/hdr/tenant", "X-Tenant", "acme");
    assertEquals(200, present.statusCode(), present::body);
    assertEquals("acme", backend.nextRequest().headers().get("X-Tenant-Id"));
  }

  @Test
  void aValueWithCrOrLfFromTheClientIsRefusedRatherThanInjected() {
    for (String q : List.of("a%0D%0AX-Injected:%20yes", "a%0AX-Injected:%20yes", "a%0Db")) {
      HttpResponse<String> response = get(gw, "/hdr/search?q=" + q);

      String message = assertGatewayError(response, 400, null).getString("message");
      assertTrue(message.contains("request.query.q"), message);
    }
    assertEquals(0, backend.pending());
  }
}
