package dev.portico.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hop-by-hop headers (docs/CONFIGURATION.md; RFC 9110 section 7.6.1) are dropped in both directions,
 * including every header named in {@code Connection}; end-to-end headers pass both ways.
 */
class ProxyHopByHopTest {

  /** Hop-by-hop by definition; each is sent in both directions. */
  private static final List<String> HOP_BY_HOP = List.of(
      "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Proxy-Authorization", "Proxy-Authenticate");

  private static Backend backend;
  private static Backend answering;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    answering = Backend.start().handler(req -> req.response()
        .putHeader("Connection", "keep-alive, X-Backend-Hop")
        .putHeader("X-Backend-Hop", "for the gateway only")
        .putHeader("Keep-Alive", "timeout=5")
        .putHeader("Proxy-Connection", "keep-alive")
        .putHeader("Proxy-Authenticate", "Basic realm=\"backend\"")
        .putHeader("Proxy-Authorization", "Basic Zm9vOmJhcg==")
        .putHeader("Upgrade", "foo/2")
        .putHeader("TE", "trailers")
        .putHeader("Trailer", "X-Checksum")
        .putHeader("X-End-To-End", "kept")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Set-Cookie", "a=1")
        .putHeader("Content-Type", "text/plain")
        .end("hello"));
    gw = TestGateway.start("""
        apis:
          - name: hop
            basePath: /hop
            routes:
              - path: /echo
                integration: { type: http, uri: "%s/echo" }
              - path: /answer
                integration: { type: http, uri: "%s/answer" }
        """.formatted(backend.url(), answering.url()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
    answering.close();
  }

  @Test
  void hopByHopRequestHeadersAreNotForwarded() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(RawHttp.crlf("""
          GET /hop/echo HTTP/1.1
          Host: gateway
          Connection: keep-alive, X-Client-Hop, x-other-hop
          X-Client-Hop: for the gateway only
          X-Other-Hop: also
          Keep-Alive: timeout=5
          Proxy-Connection: keep-alive
          TE: trailers
          Trailer: X-Checksum
          Upgrade: foo/2
          Proxy-Authorization: Basic Zm9vOmJhcg==
          Proxy-Authenticate: Basic realm="client"
          Authorization: Bearer end-to-end
          X-End-To-End: kept
          Accept: application/json

          """));
      assertEquals(200, http.read().status());
    }
    MultiMap seen = backend.nextRequest().headers();
    for (String name : HOP_BY_HOP) {
      assertFalse(seen.contains(name), name + " reached the backend: " + seen.get(name));
    }
    assertFalse(seen.contains("X-Client-Hop"), "a header named in Connection reached the backend");
    assertFalse(seen.contains("X-Other-Hop"), "a header named in Connection (any case) reached the backend");
    String connection = seen.get("Connection");
    assertTrue(connection == null || !connection.toLowerCase(Locale.ROOT).contains("hop"),
        "the client's Connection reached the backend: " + connection);
    assertEquals("Bearer end-to-end", seen.get("Authorization"));
    assertEquals("kept", seen.get("X-End-To-End"));
    assertEquals("application/json", seen.get("Accept"));
    assertEquals("127.0.0.1:" + backend.port(), seen.get("Host"));
  }

  @Test
  void hopByHopResponseHeadersAreNotReturned() {
    RawHttp.Response r;
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET /hop/answer HTTP/1.1\r\nHost: gateway\r\n\r\n");
      r = http.read();
    }
    assertEquals(200, r.status(), RawHttp.describe(r));
    assertEquals("hello", r.text());
    for (String name : HOP_BY_HOP) {
      assertFalse(r.has(name), name + " reached the client: " + r.header(name));
    }
    assertFalse(r.has("X-Backend-Hop"), "a header named in the backend's Connection reached the client");
    String connection = r.header("Connection");
    assertTrue(connection == null || !connection.toLowerCase(Locale.ROOT).contains("hop"),
        "the backend's Connection reached the client: " + connection);
    assertNull(r.header("Transfer-Encoding"), "a Content-Length response is not re-chunked");
    assertEquals("5", r.header("Content-Length"));
    assertEquals("kept", r.header("X-End-To-End"));
    assertEquals("no-store", r.header("Cache-Control"));
    assertEquals("a=1", r.header("Set-Cookie"));
    assertEquals("text/plain", r.header("Content-Type"));
  }
}
