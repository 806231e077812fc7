package dev.portico.gateway.proxy;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawBackend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status table of docs/CONFIGURATION.md (section 15) for the core proxy: each situation a client can
 * meet without any policy, and the shape of every error the gateway produces itself.
 */
class ProxyStatusTest {

  private static Backend backend;
  private static Backend silent;
  private static RawBackend cutShort;
  private static RawBackend hangsUp;
  private static RawBackend garbage;
  private static TestGateway gw;
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    backend = Backend.start();
    silent = Backend.start().handler(req -> { /* never answers */ });
    cutShort = RawBackend.start(s -> {
      RawBackend.readHead(s.getInputStream());
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Type: text/pl".getBytes(US_ASCII));
      s.getOutputStream().flush();
      RawBackend.reset(s);
    });
    hangsUp = RawBackend.start(s -> {
      RawBackend.readHead(s.getInputStream());
      s.close();
    });
    garbage = RawBackend.start(s -> {
      RawBackend.readHead(s.getInputStream());
      OutputStream out = s.getOutputStream();
      out.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\nthis is not HTTP at all\r\n\r\n".getBytes(US_ASCII));
      out.flush();
      // and the connection stays open: the gateway must not wait for the timeout
    });
    gw = TestGateway.start("""
        server:
          instances: 1
          maxBodySize: 1KB
          maxHeaderSize: 2KB
        apis:
          - name: status
            basePath: /s
            routes:
              - path: /echo
                methods: [GET, POST]
                integration: { type: http, uri: "%s/echo" }
              - path: /refused
                integration: { type: http, uri: "http://127.0.0.1:%d/x" }
              - path: /cut-short
                integration: { type: http, uri: "%s/x", timeout: 5s }
              - path: /hangs-up
                integration: { type: http, uri: "%s/x", timeout: 5s }
              - path: /garbage
                integration: { type: http, uri: "%s/x", timeout: 5s }
              - path: /slow
                integration: { type: http, uri: "%s/x", timeout: 300ms }
        """.formatted(backend.url(), TestGateway.freePort(), cutShort.url(), hangsUp.url(), garbage.url(),
        silent.url()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
    silent.close();
    cutShort.close();
    hangsUp.close();
    garbage.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void unknownPathIs404() throws Exception {
    assertGatewayError(404, get("/s/nothing-here"));
    assertGatewayError(404, get("/elsewhere"));
    assertEquals(0, backend.pending());
  }

  @Test
  void knownPathWithAnotherMethodIs405WithAllow() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(gw.uri("/s/echo")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertGatewayError(405, r);
    String allow = r.headers().firstValue("Allow").orElse(null);
    assertNotNull(allow, "405 carries Allow");
    Set<String> methods = new TreeSet<>();
    for (String m : allow.split(",")) {
      methods.add(m.trim());
    }
    assertTrue(methods.containsAll(List.of("GET", "POST")), "Allow: " + allow);
    assertEquals(0, backend.pending());
  }

  @Test
  void bodyWithContentLengthOverTheLimitIs413AndNeverForwarded() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(gw.uri("/s/echo"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1025])).build(),
        HttpResponse.BodyHandlers.ofString());
    assertGatewayError(413, r);
    assertEquals(0, backend.pending());

    HttpResponse<String> atTheLimit = client.send(HttpRequest.newBuilder(gw.uri("/s/echo"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, atTheLimit.statusCode());
    assertEquals(1024, backend.nextRequest().bodyLength());
  }

  @Test
  void chunkedBodyGrowingOverTheLimitIs413() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(RawHttp.crlf("""
          POST /s/echo HTTP/1.1
          Host: gateway
          Transfer-Encoding: chunked

          """));
      String chunk = "x".repeat(400);
      for (int i = 0; i < 4; i++) { // 1600 bytes > 1KB
        http.send("190\r\n" + chunk + "\r\n");
      }
      http.send("0\r\n\r\n");
      RawHttp.Response r = http.read();
      assertGatewayError(413, r);
    }
    // the backend may have seen the start of the body, but never a complete request
    assertEquals(0, backend.pending());
  }

  @Test
  void headersOverTheLimitAre431() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(gw.uri("/s/echo"))
        .header("X-Big", "b".repeat(3000)).build(), HttpResponse.BodyHandlers.ofString());
    assertGatewayError(431, r);
    assertEquals(0, backend.pending());
  }

  @Test
  void backendRefusingTheConnectionIs502() throws Exception {
    assertGatewayError(502, get("/s/refused"));
  }

  @Test
  void backendResettingMidResponseHeadIs502() throws Exception {
    assertGatewayError(502, get("/s/cut-short"));
  }

  @Test
  void backendClosingWithoutAnswerIs502() throws Exception {
    assertGatewayError(502, get("/s/hangs-up"));
  }

  @Test
  void backendAnsweringGarbageIs502WithoutWaitingForTheTimeout() throws Exception {
    long start = System.nanoTime();
    assertGatewayError(502, get("/s/garbage"));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 4000, "answered after " + millis + " ms; the integration timeout is 5 s");
  }

  @Test
  void backendSlowerThanTheIntegrationTimeoutIs504() throws Exception {
    long start = System.nanoTime();
    assertGatewayError(504, get("/s/slow"));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis >= 290 && millis < 5000, "answered after " + millis + " ms; the timeout is 300 ms");
  }

  @Test
  void sameConnectionServesAgainAfterABackendFailure() throws Exception {
    // a 502 or 504 is an answer, not a broken client connection
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET /s/garbage HTTP/1.1\r\nHost: gateway\r\n\r\n");
      assertGatewayError(502, http.read());
      http.send("GET /s/slow HTTP/1.1\r\nHost: gateway\r\n\r\n");
      assertGatewayError(504, http.read());
      http.send("GET /s/echo HTTP/1.1\r\nHost: gateway\r\n\r\n");
      assertEquals(200, http.read().status());
    }
  }
}
