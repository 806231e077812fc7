package dev.portico.gateway.proxy;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which backend and which backend URI a request reaches (docs/CONFIGURATION.md): route
 * precedence, greedy parameters, stages, query strings, and paths normalised before routing.
 * Requests go over a raw socket so that their paths reach the gateway exactly as written.
 */
class ProxyRoutingTest {

  private static Backend prod;
  private static Backend beta;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    prod = Backend.start();
    beta = Backend.start();
    gw = TestGateway.start("""
        apis:
          - name: shop
            basePath: /shop
            stages:
              $default: { variables: { backend: "%s" } }
              beta:     { variables: { backend: "%s" } }
            routes:
              - path: /items/special
                integration: { type: http, uri: "${stage.backend}/literal" }
              - path: /items/{id}
                integration: { type: http, uri: "${stage.backend}/param/{id}" }
              - path: /items/{rest+}
                integration: { type: http, uri: "${stage.backend}/greedy/{rest}" }
              - path: /files/{proxy+}
                integration: { type: http, uri: "${stage.backend}/store/{proxy}" }
              - path: /search
                integration: { type: http, uri: "${stage.backend}/find?source=portico" }
              - path: /public/{name}
                integration: { type: http, uri: "${stage.backend}/public/{name}" }
        """.formatted(prod.url(), beta.url()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    prod.close();
    beta.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    // a failed test may leave requests behind; each test asserts on its own
    while (prod.pending() > 0) {
      prod.nextRequest();
    }
    while (beta.pending() > 0) {
      beta.nextRequest();
    }
  }

  private static RawHttp.Response get(String target) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET " + target + " HTTP/1.1\r\nHost: gateway\r\n\r\n");
      return http.read();
    }
  }

  /** Asserts the request reaches {@code backend} at {@code uri}. */
  private static void assertForwarded(String target, Backend backend, String uri) {
    RawHttp.Response r = get(target);
    assertEquals(200, r.status(), target + " -> " + RawHttp.describe(r));
    assertEquals(uri, backend.nextRequest().uri(), target);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/shop/items/special,     /literal",
      "/shop/items/7,           /param/7",
      "/shop/items/specials,    /param/specials",
      "/shop/items/special/x,   /greedy/special/x",
      "/shop/items/7/photos/1,  /greedy/7/photos/1",
  })
  void literalBeatsParameterWhichBeatsGreedy(String path, String backendUri) {
    assertForwarded(path, prod, backendUri);
  }

  @Test
  void greedyParameterIsReferencedWithoutPlusAndKeepsItsSlashes() {
    assertForwarded("/shop/files/a/b/c.txt", prod, "/store/a/b/c.txt");
    assertForwarded("/shop/files/report%20final.pdf", prod, "/store/report%20final.pdf");
  }

  @Test
  void defaultStageIsServedAtTheRootAndOthersUnderTheirName() {
    assertForwarded("/shop/items/7", prod, "/param/7");
    assertForwarded("/beta/shop/items/7", beta, "/param/7");
    assertForwarded("/beta/shop/files/x/y", beta, "/store/x/y");
    assertGatewayError(404, get("/gamma/shop/items/7"));
  }

  @Test
  void queryStringPassesThroughAndMergesWithTheIntegrationsQuery() {
    assertForwarded("/shop/items/7?q=cat&page=2", prod, "/param/7?q=cat&page=2");
    assertForwarded("/shop/search", prod, "/find?source=portico");
    assertForwarded("/shop/search?q=a%20b&tag=x%26y&tag=z", prod, "/find?source=portico&q=a%20b&tag=x%26y&tag=z");
    assertForwarded("/beta/shop/search?q=1", beta, "/find?source=portico&q=1");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/shop/files/a/./b,                 /store/a/b",
      "/shop/files/a/%2e/b,               /store/a/b",
      "/shop/files/a/.;x/b,               /store/a/b",
      "/shop/./files/x,                   /store/x",
      "/shop/files/v1..2.tar.gz,          /store/v1..2.tar.gz",
      "/shop/files/..a/b..,               /store/..a/b..",
  })
  void singleDotSegmentsAreRemovedAndOtherDotsAreOrdinary(String path, String backendUri) {
    assertForwarded(path, prod, backendUri);
  }

  @ParameterizedTest
  @CsvSource({
      "/shop/files/a/../b",
      "/shop/files/../../etc/passwd",
      "/shop/files/%2e%2e/%2e%2e/etc/passwd",
      "/shop/files/a/%2E%2E/b",
      "/shop/files/a/.%2e/b",
      "/shop/files/..;/..;/secret",
      "/shop/files/%2e%2e;/secret",
      "/shop/files/..;jsessionid=1/secret",
      "/shop/files/..%3b/secret",
      "/beta/shop/files/../../../etc/passwd",
      "/shop/files/a/..",
  })
  void dotDotSegmentsAreRefusedHoweverSpelled(String path) {
    // a Tomcat-style backend strips ';parameters' and decodes before resolving '..': it would climb
    assertGatewayError(400, get(path));
    assertEquals(0, prod.pending() + beta.pending());
  }

  @ParameterizedTest
  @CsvSource({
      "/shop/files/..%2f..%2fadmin",
      "/shop/files/a/..%2F..%2F..%2Fadmin",
      "/shop/files/%2e%2e%2f%2e%2e%2fadmin",
      "/shop/files/..%5c..%5cadmin",
      "/shop/files/x%2f..",
  })
  void dotSegmentsBehindEncodedSeparatorsAreRefused(String path) {
    // routed as one segment, but a backend that decodes '/' before resolving '..' would climb out
    assertGatewayError(400, get(path));
    assertEquals(0, prod.pending() + beta.pending());
  }

  @Test
  void encodedSeparatorsWithoutDotSegmentsPassThroughUntouched() {
    assertForwarded("/shop/files/a%2Fb/c", prod, "/store/a%2Fb/c");
    assertForwarded("/shop/files/v1..2%2Fx", prod, "/store/v1..2%2Fx");
  }
}
