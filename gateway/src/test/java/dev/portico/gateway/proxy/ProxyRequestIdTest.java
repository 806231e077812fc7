package dev.portico.gateway.proxy;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code X-Request-Id} (docs/CONFIGURATION.md): the client's is kept when it is 1 to 128
 * characters of {@code A-Z a-z 0-9 . _ -}, replaced otherwise; every response carries one, and
 * the backend receives the same.
 */
class ProxyRequestIdTest {

  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private static Backend backend;
  private static Backend ownId;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    ownId = Backend.start().handler(req -> req.response().putHeader("X-Request-Id", "backend-made-this").end("ok"));
    gw = TestGateway.start("""
        apis:
          - name: ids
            basePath: /ids
            routes:
              - path: /echo
                methods: [GET]
                integration: { type: http, uri: "%s/echo" }
              - path: /own
                integration: { type: http, uri: "%s/own" }
              - path: /mock
                integration: { type: mock, status: 201, body: { ok: true } }
        """.formatted(backend.url(), ownId.url()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
    ownId.close();
  }

  /** Sends GET with the given raw X-Request-Id line (or none) and returns the response. */
  private static RawHttp.Response get(String path, String requestIdLine) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET " + path + " HTTP/1.1\r\nHost: gateway\r\n"
          + (requestIdLine == null ? "" : requestIdLine + "\r\n") + "\r\n");
      return http.read();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "abc-DEF_123.xyz", "0123456789abcdef0123456789abcdef", "...---___"})
  void clientRequestIdIsKeptWhenSane(String id) {
    RawHttp.Response r = get("/ids/echo", "X-Request-Id: " + id);
    assertEquals(200, r.status());
    assertEquals(id, r.header("X-Request-Id"));
    assertEquals(id, backend.nextRequest().headers().get("X-Request-Id"), "the backend gets the same id");
  }

  @Test
  void clientRequestIdOf128CharactersIsKeptAnd129IsReplaced() {
    String max = "x".repeat(128);
    assertEquals(max, get("/ids/echo", "X-Request-Id: " + max).header("X-Request-Id"));
    assertEquals(max, backend.nextRequest().headers().get("X-Request-Id"));

    String tooLong = "y".repeat(129);
    RawHttp.Response r = get("/ids/echo", "X-Request-Id: " + tooLong);
    assertReplaced(tooLong, r);
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc def", "abc/def", "id:1", "<script>", "a+b", "caf\u00e9", "x,y", "{\"a\":1}"})
  void clientRequestIdWithForbiddenCharactersIsReplaced(String id) {
    assertReplaced(id, get("/ids/echo", "X-Request-Id: " + id));
  }

  @Test
  void emptyClientRequestIdIsReplaced() {
    assertReplaced("", get("/ids/echo", "X-Request-Id:"));
  }

  @Test
  void requestIdIsGeneratedWhenAbsentAndDiffersPerRequest() {
    RawHttp.Response first = get("/ids/echo", null);
    String sent = backend.nextRequest().headers().get("X-Request-Id");
    RawHttp.Response second = get("/ids/echo", null);
    backend.nextRequest();
    assertNotNull(first.header("X-Request-Id"));
    assertTrue(SANE.matcher(first.header("X-Request-Id")).matches(), first.header("X-Request-Id"));
    assertEquals(first.header("X-Request-Id"), sent, "the backend gets the id the client sees");
    assertNotEquals(first.header("X-Request-Id"), second.header("X-Request-Id"));
  }

  @Test
  void everyResponseCarriesTheRequestId() {
    // gateway errors: the id in the header and in the body agree
    assertGatewayError(404, get("/ids/none", "X-Request-Id: e-404"));
    assertEquals("e-404", get("/ids/none", "X-Request-Id: e-404").header("X-Request-Id"));
    assertEquals("e-405", assertGatewayError(405, postTo("/ids/echo", "e-405")).getString("requestId"));
    RawHttp.Response mock = get("/ids/mock", "X-Request-Id: m-1");
    assertEquals(201, mock.status());
    assertEquals("m-1", mock.header("X-Request-Id"));
    // a decoder-level refusal has no client id to keep, but still carries one
    RawHttp.Response bad;
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET /ids/echo HTTP/1.1\r\nHost: gateway\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n");
      bad = http.read();
    }
    assertGatewayError(431, bad);
  }

  @Test
  void backendsOwnRequestIdIsReplacedByTheGatewaysOne() {
    RawHttp.Response r = get("/ids/own", "X-Request-Id: client-1");
    assertEquals(200, r.status());
    assertEquals("client-1", r.header("X-Request-Id"));
    assertEquals(1, r.headers().get("X-Request-Id").size(), "one X-Request-Id, not two");
  }

  private static RawHttp.Response postTo(String path, String id) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST " + path + " HTTP/1.1\r\nHost: gateway\r\nX-Request-Id: " + id + "\r\nContent-Length: 0\r\n\r\n");
      return http.read();
    }
  }

  private static void assertReplaced(String sent, RawHttp.Response r) {
    assertEquals(200, r.status());
    String id = r.header("X-Request-Id");
    assertNotNull(id);
    assertNotEquals(sent, id);
    assertTrue(SANE.matcher(id).matches(), "a generated id is itself sane: " + id);
    assertEquals(id, backend.nextRequest().headers().get("X-Request-Id"), "the backend gets the replacement");
  }
}
