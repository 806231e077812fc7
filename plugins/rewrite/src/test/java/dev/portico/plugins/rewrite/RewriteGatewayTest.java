package dev.portico.plugins.rewrite;

import static dev.portico.plugins.rewrite.Client.errorMessage;
import static dev.portico.plugins.rewrite.Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code rewrite} plugin through a real gateway to a real echo backend: the path and query the
 * backend receives, and the requests refused before they reach it.
 */
class RewriteGatewayTest {

  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    gw = TestGateway.start("""
        apis:
          - name: rw
            basePath: /rw
            stages:
              $default: { variables: { version: v2 } }
              beta: { variables: { version: v3 } }
            routes:
              - path: /pets/{id}
                integration: { type: http, uri: "%1$s/pets/{id}" }
                policies:
                  - test-user: {}
                  - rewrite:
                      path: "/${stage.version}/tenants/${principal.tenant}/pets/${request.path.id}/${request.header.X-Kind}/${request.query.color}/${requestId}"
              - path: /encode/{name}
                integration: { type: http, uri: "%1$s/encode" }
                policies:
                  - test-user: {}
                  - rewrite: { path: "/people/${request.path.name}/${principal.team}/${request.query.q}" }
              - path: /fixed
                integration: { type: http, uri: "%1$s/old?fixed=1" }
                policies:
                  - rewrite: { path: /new/place }
              - path: /files/{name}
                integration: { type: http, uri: "%1$s/files/{name}" }
                policies:
                  - rewrite: { path: "/store/files/${request.query.dir}/${request.header.X-Sub}" }
              - path: /static/{proxy+}
                integration: { type: http, uri: "%1$s/static/{proxy}" }
                policies:
                  - rewrite: { path: "/assets/${request.path.proxy}" }
              - path: /orders
                integration: { type: http, uri: "%1$s/orders" }
                policies:
                  - rewrite: { path: "/orders/${request.header.X-Order!}" }
              - path: /search
                integration: { type: http, uri: "%1$s/search" }
                policies:
                  - test-user: {}
                  - rewrite:
                      query:
                        remove: [debug, q]
                        set: { v: "2", tenant: "${principal.tenant}", search: "${request.query.q}", owner: "${principal.missing}" }
        """.formatted(backend.url()), new TestUser());
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

  private static String backendPath() {
    String uri = backend.nextRequest().uri();
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  @Test
  void pathTemplateBuildsTheBackendPathFromEveryNamespace() {
    HttpResponse<String> response = get(gw, "/beta/rw/pets/7?color=red", "X-Kind", "cat", "X-Request-Id", "req-42");

    assertEquals(200, response.statusCode(), response::body);
    Backend.Received seen = backend.nextRequest();
    assertEquals("/v3/tenants/acme/pets/7/cat/red/req-42?color=red", seen.uri());
  }

  @Test
  void placeholderValuesArePercentEncodedWhilePathParametersPassAsTheClientSentThem() {
    HttpResponse<String> response = get(gw, "/rw/encode/caf%C3%A9%20bar?q=" + "a%20b%3Fc%23d%25e%2Ff");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("/people/caf%C3%A9%20bar/blue%20team/a%20b%3Fc%23d%25e/f", backendPath());
  }

  @Test
  void theIntegrationUrisOwnQueryIsKeptUnderTheNewPath() {
    HttpResponse<String> response = get(gw, "/rw/fixed?x=1");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("/new/place?fixed=1&x=1", backend.nextRequest().uri());
  }

  @Test
  void dotSegmentsInsideTheValuesBelowTheBaseAreResolved() {
    HttpResponse<String> response = get(gw, "/rw/files/x?dir=a/./b/../c", "X-Sub", "d");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("/store/files/a/c/d", backendPath());
  }

  @Test
  void aValueThatClimbsAboveTheBasePathIsRefusedBeforeTheBackend() {
    List<String> attempts = List.of(
        "/rw/files/x?dir=..",
        "/rw/files/x?dir=../../admin",
        "/rw/files/x?dir=a/../../etc/passwd",
        "/rw/files/x?dir=%2e%2e/%2e%2e/admin");   // decoded by the query parser: '../../admin'
    for (String attempt : attempts) {
      String message = errorMessage(get(gw, attempt), 400);
      assertTrue(message.contains("rewrite.path"), attempt + " -> " + message);
    }
    String fromHeader = errorMessage(get(gw, "/rw/files/x?dir=a", "X-Sub", "../../../admin"), 400);
    assertTrue(fromHeader.contains("rewrite.path"), fromHeader);
    assertEquals(0, backend.pending());
  }

  @Test
  void aDotDotHiddenFromNormalisationButNotFromABackendIsRefused() {
    // a backslash (Windows/IIS), and Tomcat's '..;' path parameter: both climb on some backends
    String backslash = errorMessage(get(gw, "/rw/files/x?dir=a", "X-Sub", "..\\..\\admin"), 400);
    assertTrue(backslash.contains("rewrite.path"), backslash);
    // in the client's own path the gateway refuses it before any policy runs
    String semicolon = errorMessage(get(gw, "/rw/static/..;/admin"), 400);
    assertTrue(semicolon.contains("'..'"), semicolon);
    assertEquals(0, backend.pending());
  }

  @Test
  void anEncodedDotDotInAValueIsSentAsTextNotAsASegment() {
    HttpResponse<String> response = get(gw, "/rw/files/x?dir=%252e%252e");   // the value is '%2e%2e'

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("/store/files/%252e%252e/", backendPath());
  }

  @Test
  void aGreedyPathParameterKeepsItsSlashes() {
    HttpResponse<String> response = get(gw, "/rw/static/css/site.css");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("/assets/css/site.css", backendPath());
  }

  @Test
  void aMissingRequiredValueIs400NamingIt() {
    String message = errorMessage(get(gw, "/rw/orders"), 400);
    assertTrue(message.contains("request.header.X-Order"), message);
    assertEquals(0, backend.pending());

    HttpResponse<String> present = get(gw, "/rw/orders", "X-Order", "o-17");
    assertEquals(200, present.statusCode(), present::body);
    assertEquals("/orders/o-17", backendPath());
  }

  @Test
  void queryRemoveThenSetReachTheBackendAndAParameterCanBeRenamed() {
    HttpResponse<String> response = get(gw, "/rw/search?q=blue%20fish&debug=1&keep=yes&v=1&owner=mallory");

    assertEquals(200, response.statusCode(), response::body);
    Map<String, List<String>> query = new QueryStringDecoder(backend.nextRequest().uri()).parameters();
    assertEquals(List.of("yes"), query.get("keep"));
    assertEquals(List.of("2"), query.get("v"));
    assertEquals(List.of("acme"), query.get("tenant"));
    assertEquals(List.of("blue fish"), query.get("search"));
    assertEquals(null, query.get("debug"), query::toString);
    assertEquals(null, query.get("q"), query::toString);
    // set to a value the principal does not have: the client's own is removed, not passed on
    assertEquals(null, query.get("owner"), query::toString);
  }
}
