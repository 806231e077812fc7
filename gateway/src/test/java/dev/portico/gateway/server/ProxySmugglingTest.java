package dev.portico.gateway.server;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Request smuggling (docs/CONFIGURATION.md; RFC 9112 section 6.1), over raw sockets: ambiguous
 * framing is refused with 400, nothing of such a request or of what follows it on the connection
 * reaches a backend, and a refused request with a small body leaves its keep-alive connection
 * usable.
 */
class ProxySmugglingTest {

  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    gw = TestGateway.start("""
        apis:
          - name: smuggle
            basePath: /s
            routes:
              - path: /echo
                methods: [GET, POST]
                integration: { type: http, uri: "%s/echo" }
              - path: /mock
                integration: { type: mock, status: 200, body: { ok: true } }
              - path: /refused
                integration: { type: http, uri: "http://127.0.0.1:%d/nobody-listens" }
        """.formatted(backend.url(), TestGateway.freePort()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    // a failed test may leave requests behind; each test asserts on its own
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  /** A smuggled request, framed to be read as the next one if the first body were taken as empty. */
  private static final String SMUGGLED = "GET /s/echo?smuggled=1 HTTP/1.1\r\nHost: gateway\r\n\r\n";

  /**
   * Proves that nothing reached the backend before this point: a marker request on a new
   * connection must be the very next (and only) thing the backend receives. Requests on one
   * connection are handled in order, and the refused connection is closed by now.
   */
  private static void assertNothingReachedTheBackend() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET /s/echo?marker=1 HTTP/1.1\r\nHost: gateway\r\n\r\n");
      assertEquals(200, http.read().status());
    }
    assertEquals("/echo?marker=1", backend.nextRequest().uri(), "something reached the backend before the marker");
    assertEquals(0, backend.pending());
  }

  /** Sends the request, expects the gateway's 400 and the connection closed. */
  private static void assertRefusedAndClosed(String request) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(request);
      RawHttp.Response r = http.read();
      assertGatewayError(400, r);
      assertTrue(http.awaitClosed(Duration.ofSeconds(5)), "the connection stays open after ambiguous framing");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Content-Length: %d\r\nTransfer-Encoding: chunked",
      "Transfer-Encoding: chunked\r\nContent-Length: %d",
      "Content-Length: %d\r\nTransfer-Encoding: gzip, chunked",
      "Content-Length: %d\r\nTransfer-Encoding: identity",
      "Content-Length: %d\r\nTransfer-Encoding: xchunked",
      "Content-Length: %d\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity",
  })
  void contentLengthWithTransferEncodingIsRefusedAndNothingReachesTheBackend(String framing) {
    String body = "0\r\n\r\n" + SMUGGLED;
    assertRefusedAndClosed("POST /s/echo HTTP/1.1\r\nHost: gateway\r\n"
        + framing.formatted(body.length()) + "\r\n\r\n" + body);
    assertNothingReachedTheBackend();
  }

  @Test
  void contentLengthWithTransferEncodingOverHttp10IsRefused() {
    String body = "0\r\n\r\n" + SMUGGLED;
    assertRefusedAndClosed("POST /s/echo HTTP/1.0\r\nHost: gateway\r\nContent-Length: " + body.length()
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    assertNothingReachedTheBackend();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Content-Length: 5\r\nContent-Length: 60",
      "Content-Length: 60\r\nContent-Length: 5",
      "Content-Length: 5, 60",
  })
  void differingContentLengthsAreRefused(String framing) {
    assertRefusedAndClosed("POST /s/echo HTTP/1.1\r\nHost: gateway\r\n" + framing + "\r\n\r\nhello" + SMUGGLED);
    assertNothingReachedTheBackend();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "chunked, gzip", "chunked\r\nTransfer-Encoding: identity", "chunked, chunked"})
  void transferEncodingNotEndingInChunkedIsRefused(String codings) {
    // RFC 9112 section 6.3: the length of such a request cannot be known; taken as bodiless, its
    // body would be read as a next request
    assertRefusedAndClosed("POST /s/echo HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: " + codings + "\r\n\r\n"
        + SMUGGLED);
    assertNothingReachedTheBackend();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/s/nothing-here", "/s/mock", "/s/refused"})
  void answeredPostWithSmallBodyKeepsTheConnectionUsable(String path) {
    // 404 (no route), a mock answer, a 502: none reads the body, and none may leave it on the wire
    String body = "{\"a\": \"" + "x".repeat(500) + "\"}";
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST " + path + " HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body);
      int status = http.read().status();
      assertTrue(status == 404 || status == 200 || status == 502, "status " + status);
      if (http.awaitClosed(Duration.ofMillis(200))) {
        return; // closing is safe too (the gateway may choose not to drain)
      }
      http.send("GET /s/echo?next=1 HTTP/1.1\r\nHost: gateway\r\n\r\n");
      RawHttp.Response next = http.read();
      assertEquals(200, next.status(), RawHttp.describe(next));
    }
    assertEquals("/echo?next=1", backend.nextRequest().uri());
  }

  @Test
  void refusedMethodWithSmallBodyKeepsTheConnectionUsable() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("PUT /s/echo HTTP/1.1\r\nHost: gateway\r\nContent-Length: 11\r\n\r\nhello world");
      assertGatewayError(405, http.read());
      http.send("GET /s/echo?next=2 HTTP/1.1\r\nHost: gateway\r\n\r\n");
      assertEquals(200, http.read().status());
    }
    assertEquals("/echo?next=2", backend.nextRequest().uri());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST /s/echo HTTP/1.1\r\nHost: gateway\r\nContent-Length: 3\r\n\r\nabc"
          + "GET /s/echo?second=1 HTTP/1.1\r\nHost: gateway\r\n\r\n");
      RawHttp.Response first = http.read();
      RawHttp.Response second = http.read();
      assertEquals(200, first.status());
      assertTrue(first.text().contains("\"bodyLength\":3"), first.text());
      assertTrue(second.text().contains("second=1"), second.text());
    }
    assertEquals("/echo", backend.nextRequest().uri());
    assertEquals("/echo?second=1", backend.nextRequest().uri());
  }
}
