package dev.portico.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the backend learns about the client (docs/CONFIGURATION.md): {@code X-Forwarded-For},
 * {@code -Proto} and {@code -Host}; an incoming {@code X-Forwarded-For} is appended to only when
 * the connection comes from {@code server.trustedProxies}, replaced otherwise; {@code Forwarded},
 * {@code X-Real-IP} and {@code True-Client-IP} reach the backend only from a trusted proxy. The
 * test client connects from 127.0.0.1.
 */
class ProxyForwardedHeadersTest {

  private static final String ROUTE = """
      apis:
        - name: fwd
          basePath: /fwd
          routes:
            - path: /echo
              integration: { type: http, uri: "%1$s/echo" }
            - path: /transformed
              integration: { type: http, uri: "%1$s/echo" }
              policies:
                - headers: { request: { set: { X-Transformed: "yes" } } }
            - path: /set-real-ip
              integration: { type: http, uri: "%1$s/echo" }
              policies:
                - headers: { request: { set: { X-Real-IP: 192.0.2.44 } } }
      """;

  private static final String[] CLAIMS = {
      "Host: gw", "Forwarded: for=203.0.113.9;proto=https", "X-Real-IP: 203.0.113.9",
      "True-Client-IP: 203.0.113.9", "X-Forwarded-For: 203.0.113.9"};

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
    return forwardedTo(gw, "/fwd/echo", headerLines);
  }

  private static MultiMap forwardedTo(TestGateway gw, String path, String... headerLines) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
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
    try (TestGateway gw = TestGateway.start(routes(), BundledPlugins.dir("headers"))) {
      MultiMap h = forwarded(gw, "Host: api.example.com");
      assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
      assertEquals("http", h.get("X-Forwarded-Proto"));
      assertEquals("api.example.com", h.get("X-Forwarded-Host"));
      assertEquals("127.0.0.1:" + backend.port(), h.get("Host"), "Host names the backend, not the gateway");
    }
  }

  @Test
  void incomingForwardedForIsReplacedWhenNoProxyIsTrusted() {
    try (TestGateway gw = TestGateway.start(routes(), BundledPlugins.dir("headers"))) {
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
        """ + routes(), BundledPlugins.dir("headers"))) {
      assertEquals("127.0.0.1", forwarded(gw, "Host: gw", "X-Forwarded-For: 10.1.2.3").get("X-Forwarded-For"));
    }
  }

  @Test
  void incomingForwardedForIsAppendedToWhenThePeerIsTrusted() {
    try (TestGateway gw = TestGateway.start("""
        server:
          instances: 1
          trustedProxies: [127.0.0.0/8]
        """ + routes(), BundledPlugins.dir("headers"))) {
      assertEquals("203.0.113.9, 10.0.0.2, 127.0.0.1",
          forwarded(gw, "Host: gw", "X-Forwarded-For: 203.0.113.9, 10.0.0.2").get("X-Forwarded-For"));
      // several header lines are one list (RFC 9110 section 5.3): none of them is lost
      assertEquals("203.0.113.9, 10.0.0.2, 127.0.0.1",
          forwarded(gw, "Host: gw", "X-Forwarded-For: 203.0.113.9", "X-Forwarded-For: 10.0.0.2").get("X-Forwarded-For"));
      // nothing came in: the peer alone
      assertEquals("127.0.0.1", forwarded(gw, "Host: gw").get("X-Forwarded-For"));
    }
  }

  @Test
  void clientAddressHeadersFromAnUntrustedClientNeverReachTheBackend() {
    try (TestGateway gw = TestGateway.start(routes(), BundledPlugins.dir("headers"))) {
      for (String path : new String[] {"/fwd/echo", "/fwd/transformed"}) {
        MultiMap h = forwardedTo(gw, path, CLAIMS);
        assertNull(h.get("Forwarded"), path);
        assertNull(h.get("X-Real-IP"), path);
        assertNull(h.get("True-Client-IP"), path);
        assertEquals("127.0.0.1", h.get("X-Forwarded-For"), path);
      }
      // header names are case-insensitive; every line of a repeated header goes
      MultiMap h = forwarded(gw, "Host: gw", "x-real-ip: 203.0.113.9", "FORWARDED: for=203.0.113.9",
          "Forwarded: for=198.51.100.1", "true-client-ip: 203.0.113.9");
      assertNull(h.get("Forwarded"));
      assertNull(h.get("X-Real-IP"));
      assertNull(h.get("True-Client-IP"));
    }
  }

  @Test
  void clientAddressHeadersFromAPeerOutsideTheTrustedProxiesAreRemoved() {
    try (TestGateway gw = TestGateway.start("""
        server:
          instances: 1
          trustedProxies: [10.0.0.0/8]
        """ + routes(), BundledPlugins.dir("headers"))) {
      MultiMap h = forwarded(gw, CLAIMS);
      assertNull(h.get("Forwarded"));
      assertNull(h.get("X-Real-IP"));
      assertNull(h.get("True-Client-IP"));
      assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
    }
  }

  @Test
  void clientAddressHeadersFromATrustedProxyReachTheBackend() {
    try (TestGateway gw = TestGateway.start("""
        server:
          instances: 1
          trustedProxies: [127.0.0.0/8]
        """ + routes(), BundledPlugins.dir("headers"))) {
      for (String path : new String[] {"/fwd/echo", "/fwd/transformed"}) {
        MultiMap h = forwardedTo(gw, path, CLAIMS);
        assertEquals("for=203.0.113.9;proto=https", h.get("Forwarded"), path);
        assertEquals("203.0.113.9", h.get("X-Real-IP"), path);
        assertEquals("203.0.113.9", h.get("True-Client-IP"), path);
        assertEquals("203.0.113.9, 127.0.0.1", h.get("X-Forwarded-For"), path);
      }
    }
  }

  @Test
  void aTransformerCanSetAClientAddressHeaderForAnUntrustedClient() {
    try (TestGateway gw = TestGateway.start(routes(), BundledPlugins.dir("headers"))) {
      MultiMap h = forwardedTo(gw, "/fwd/set-real-ip", CLAIMS);
      assertEquals(List.of("192.0.2.44"), h.getAll("X-Real-IP"));
      assertNull(h.get("Forwarded"));
      assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
    }
  }

  private static String routes() {
    return ROUTE.formatted(backend.url());
  }
}
