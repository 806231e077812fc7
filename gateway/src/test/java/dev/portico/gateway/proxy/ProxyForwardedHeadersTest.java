package dev.portico.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the backend learns about the client (contract, sections 4 and 8): {@code X-Forwarded-For},
 * {@code -Proto} and {@code -Host}; an incoming {@code X-Forwarded-For} is appended to only when
 * the connection comes from {@code server.trustedProxies}, replaced otherwise. The test client
 * connects from 127.0.0.1.
 */
class ProxyForwardedHeadersTest {

  private static final String ROUTE = """
      apis:
        - name: fwd
          basePath: /fwd
          routes:
            - path: /echo
              integration: { type: http, uri: "%s/echo" }
      """;

  private static Backend backend;

  @BeforeAll
  static void start() {
    backend = Backend.start();
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  /** Sends the request head lines to the gateway and returns the headers the backend received. */
  private static MultiMap forwarded(TestGateway gw, String... headerLines) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      StringBuilder req = new StringBuilder("GET /fwd/echo HTTP/1.1\r\n");
      for (String line : headerLines) {
        req.append(line).append("\r\n");
      }
      http.send(req.append("\r\n").toString());
      assertEquals(200, http.read().status());
    }
    return backend.nextRequest().headers();
  }

  @Test
  void backendLearnsClientAddressSchemeAndHost() {
    try (TestGateway gw = TestGateway.start(ROUTE.formatted(backend.url()))) {
      MultiMap h = forwarded(gw, "Host: api.example.com");
      assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
      assertEquals("http", h.get("X-Forwarded-Proto"));
      assertEquals("api.example.com", h.get("X-Forwarded-Host"));
      assertEquals("127.0.0.1:" + backend.port(), h.get("Host"), "Host names the backend, not the gateway");
    }
  }

  @Test
  void incomingForwardedForIsReplacedWhenNoProxyIsTrusted() {
    try (TestGateway gw = TestGateway.start(ROUTE.formatted(backend.url()))) {
      MultiMap h = forwarded(gw, "Host: gw", "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Proto: https",
          "X-Forwarded-Host: spoofed.example");
      assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
      assertEquals(1, h.getAll("X-Forwarded-For").size());
      assertEquals("http", h.get("X-Forwarded-Proto"), "a client cannot claim it came over TLS");
      assertEquals("gw", h.get("X-Forwarded-Host"));
    }
  }

  @Test
  void incomingForwardedForIsReplacedWhenThePeerIsNotTrusted() {
    try (TestGateway gw = TestGateway.start("""
        server:
          instances: 1
          trustedProxies: [10.0.0.0/8, "::1/128"]
        """ + ROUTE.formatted(backend.url()))) {
      assertEquals("127.0.0.1", forwarded(gw, "Host: gw", "X-Forwarded-For: 10.1.2.3").get("X-Forwarded-For"));
    }
  }

  @Test
  void incomingForwardedForIsAppendedToWhenThePeerIsTrusted() {
    try (TestGateway gw = TestGateway.start("""
        server:
          instances: 1
          trustedProxies: [127.0.0.0/8]
        """ + ROUTE.formatted(backend.url()))) {
      assertEquals("203.0.113.9, 10.0.0.2, 127.0.0.1",
          forwarded(gw, "Host: gw", "X-Forwarded-For: 203.0.113.9, 10.0.0.2").get("X-Forwarded-For"));
      // several header lines are one list (RFC 9110 section 5.3): none of them is lost
      assertEquals("203.0.113.9, 10.0.0.2, 127.0.0.1",
          forwarded(gw, "Host: gw", "X-Forwarded-For: 203.0.113.9", "X-Forwarded-For: 10.0.0.2").get("X-Forwarded-For"));
      // nothing came in: the peer alone
      assertEquals("127.0.0.1", forwarded(gw, "Host: gw").get("X-Forwarded-For"));
    }
  }
}
