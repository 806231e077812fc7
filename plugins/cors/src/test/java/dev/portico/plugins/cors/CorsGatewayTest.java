package dev.portico.plugins.cors;

import static dev.portico.plugins.cors.Browser.corsHeaders;
import static dev.portico.plugins.cors.Browser.preflight;
import static dev.portico.plugins.cors.Browser.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code cors} plugin through a real gateway and a real backend, with requests shaped as a
 * browser sends them: preflights, simple and credentialed requests, disallowed origins, and the
 * gateway's own errors.
 */
class CorsGatewayTest {

  private static final String APP = "https://app.example.com";
  private static final String EVIL = "https://evil.example.net";

  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start().handler(req -> req.body().onSuccess(body -> {
      if (req.path().equals("/rogue")) {
        // a backend with CORS of its own: the gateway's policy owns these headers on its routes
        req.response().putHeader("Access-Control-Allow-Origin", "*").putHeader("Access-Control-Max-Age", "86400")
            .putHeader("Vary", "Accept-Encoding");
      }
      req.response().putHeader("X-Total", "3").end("from backend " + req.method() + " " + req.path());
    }));
    gw = TestGateway.start("""
        apis:
          - name: app
            basePath: /app
            routes:
              - path: /items
                methods: [GET, POST]
                integration: { type: http, uri: "%1$s/items" }
                policies:
                  - test-token: {}
                  - cors:
                      origins: ["https://APP.example.com:443", "http://localhost:3000"]
                      methods: [GET, POST]
                      headers: [Authorization, Content-Type]
                      exposeHeaders: [X-Request-Id, X-Total]
                      credentials: true
                      maxAge: 2m
              - path: /public
                integration: { type: http, uri: "%1$s/public" }
                policies:
                  - cors: { origins: ['*'] }
              - path: /rogue
                integration: { type: http, uri: "%1$s/rogue" }
                policies:
                  - cors: { origins: ["https://app.example.com"] }
        """.formatted(backend.url()), new TestToken());
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

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static List<String> vary(HttpResponse<?> response) {
    return response.headers().allValues("Vary").stream()
        .flatMap(line -> java.util.Arrays.stream(line.split(",")))
        .map(String::trim)
        .toList();
  }

  @Test
  void preflightIsAnswered204ByTheGatewayWithTheConfiguredPolicyAndNeverReachesTheBackend() {
    HttpResponse<String> response = preflight(gw, "/app/items", APP, "POST", "authorization,content-type");

    assertEquals(204, response.statusCode(), response::body);
    assertEquals(APP, header(response, "Access-Control-Allow-Origin"));
    assertEquals("true", header(response, "Access-Control-Allow-Credentials"));
    assertEquals("GET, POST", header(response, "Access-Control-Allow-Methods"));
    assertEquals("Authorization, Content-Type", header(response, "Access-Control-Allow-Headers"));
    assertEquals("120", header(response, "Access-Control-Max-Age"));
    assertTrue(vary(response).contains("Origin"), response.headers().map()::toString);
    assertEquals("", response.body());
    assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
    assertEquals(0, backend.pending());
  }

  @Test
  void preflightsOnOneKeptAliveConnectionAre204sWithoutABody() {
    // as a browser sends them: several on one connection; a 204 carries no Content-Length (RFC 9110 §8.6)
    try (RawHttp raw = RawHttp.connect(gw.port())) {
      for (String method : List.of("POST", "GET")) {
        raw.send(RawHttp.crlf("""
            OPTIONS /app/items HTTP/1.1
            Host: api.example.com
            Origin: https://app.example.com
            Access-Control-Request-Method: %s
            Access-Control-Request-Headers: content-type

            """.formatted(method)));
        RawHttp.Response response = raw.read();
        assertEquals(204, response.status(), response::text);
        assertEquals(APP, response.header("Access-Control-Allow-Origin"));
        assertFalse(response.has("Content-Length"), response.headers()::toString);
        assertFalse(response.has("Transfer-Encoding"), response.headers()::toString);
        assertEquals(0, response.body().length);
      }
    }
    assertEquals(0, backend.pending());
  }

  @Test
  void preflightOnARouteBehindAnAuthorizerIsAnsweredWithoutCredentials() {
    // a browser never sends credentials on a preflight: the authorizer must not see it
    HttpResponse<String> response = preflight(gw, "/app/items", "http://localhost:3000", "GET", "authorization");

    assertEquals(204, response.statusCode(), response::body);
    assertEquals("http://localhost:3000", header(response, "Access-Control-Allow-Origin"));
    assertFalse(response.headers().firstValue("WWW-Authenticate").isPresent());
    assertEquals(0, backend.pending());
  }

  @Test
  void aPreflightForAMethodThePathDoesNotServeListsTheMethodsItDoes() {
    // no route serves PUT /items: the browser reads the allowed methods and gives up by itself
    HttpResponse<String> response = preflight(gw, "/app/items", APP, "PUT", null);

    assertEquals(204, response.statusCode(), response::body);
    assertEquals("GET, POST", header(response, "Access-Control-Allow-Methods"));
    assertEquals(0, backend.pending());
  }

  @Test
  void simpleRequestFromAnAllowedOriginGetsItsOriginBackWithVaryAndExposedHeaders() {
    HttpResponse<String> response = send(gw, "GET", "/app/items", "Origin", APP, "Authorization", "Bearer ok");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("from backend GET /items", response.body());
    assertEquals(APP, header(response, "Access-Control-Allow-Origin"));
    assertEquals("X-Request-Id, X-Total", header(response, "Access-Control-Expose-Headers"));
    assertTrue(vary(response).contains("Origin"), response.headers().map()::toString);
    assertEquals(APP, backend.nextRequest().headers().get("Origin"));
  }

  @Test
  void credentialedRequestGetsAllowCredentialsAndTheExactOriginNeverAWildcard() {
    HttpResponse<String> response = send(gw, "POST", "/app/items",
        "Origin", "http://localhost:3000", "Authorization", "Bearer ok", "Cookie", "session=1");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("http://localhost:3000", header(response, "Access-Control-Allow-Origin"));
    assertEquals("true", header(response, "Access-Control-Allow-Credentials"));
    assertEquals("POST", backend.nextRequest().method());
  }

  @Test
  void aDisallowedOriginGetsNoCorsHeadersButTheBackendStillAnswers() {
    HttpResponse<String> response = send(gw, "GET", "/app/items", "Origin", EVIL, "Authorization", "Bearer ok");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("from backend GET /items", response.body());
    assertEquals(List.of(), corsHeaders(response));
    assertTrue(vary(response).contains("Origin"), "a cache must not serve this answer to another origin");
    assertEquals("GET", backend.nextRequest().method());
  }

  @Test
  void aPreflightFromADisallowedOriginIsAnsweredWithoutCorsHeaders() {
    HttpResponse<String> response = preflight(gw, "/app/items", EVIL, "POST", "content-type");

    assertEquals(204, response.statusCode(), response::body);
    assertEquals(List.of(), corsHeaders(response));
    assertEquals(0, backend.pending());
  }

  @Test
  void theGatewaysOwnErrorsCarryTheCorsHeadersSoThePageCanReadThem() {
    HttpResponse<String> unauthorized = send(gw, "GET", "/app/items", "Origin", APP);
    assertEquals(401, unauthorized.statusCode(), unauthorized::body);
    assertEquals(APP, header(unauthorized, "Access-Control-Allow-Origin"));
    assertEquals("true", header(unauthorized, "Access-Control-Allow-Credentials"));
    assertEquals("Bearer", header(unauthorized, "WWW-Authenticate"));

    HttpResponse<String> notAllowed = send(gw, "DELETE", "/app/items", "Origin", APP, "Authorization", "Bearer ok");
    assertEquals(405, notAllowed.statusCode(), notAllowed::body);
    assertEquals(APP, header(notAllowed, "Access-Control-Allow-Origin"));
    assertEquals("GET, HEAD, POST", header(notAllowed, "Allow"));   // GET implies HEAD
    assertEquals(0, backend.pending());
  }

  @Test
  void aRequestWithoutOriginGetsNoCorsHeaders() {
    HttpResponse<String> response = send(gw, "GET", "/app/items", "Authorization", "Bearer ok");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals(List.of(), corsHeaders(response));
  }

  @Test
  void aWildcardPolicyAnswersStarAndEchoesTheRequestedHeaders() {
    HttpResponse<String> pre = preflight(gw, "/app/public", "https://any.example.org", "PUT", "x-custom,content-type");
    assertEquals(204, pre.statusCode(), pre::body);
    assertEquals("*", header(pre, "Access-Control-Allow-Origin"));
    assertEquals("GET, HEAD, POST, PUT, PATCH, DELETE", header(pre, "Access-Control-Allow-Methods"));
    assertEquals("x-custom,content-type", header(pre, "Access-Control-Allow-Headers"));
    assertEquals("600", header(pre, "Access-Control-Max-Age"));
    assertEquals(Optional.empty(), pre.headers().firstValue("Access-Control-Allow-Credentials"));

    HttpResponse<String> simple = send(gw, "GET", "/app/public", "Origin", "https://any.example.org");
    assertEquals(200, simple.statusCode(), simple::body);
    assertEquals("*", header(simple, "Access-Control-Allow-Origin"));
    assertFalse(vary(simple).contains("Origin"), simple.headers().map()::toString);
    assertEquals(1, backend.pending());
  }

  @Test
  void anOptionsRequestThatIsNoPreflightGoesToTheBackend() {
    HttpResponse<String> response = send(gw, "OPTIONS", "/app/public", "Origin", "https://any.example.org");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("from backend OPTIONS /public", response.body());
    assertEquals("*", header(response, "Access-Control-Allow-Origin"));
  }

  @Test
  void theBackendsOwnCorsHeadersAreReplacedByThePolicys() {
    HttpResponse<String> allowed = send(gw, "GET", "/app/rogue", "Origin", APP);
    assertEquals(200, allowed.statusCode(), allowed::body);
    assertEquals(List.of(APP), allowed.headers().allValues("Access-Control-Allow-Origin"));
    assertEquals(Optional.empty(), allowed.headers().firstValue("Access-Control-Max-Age"));
    assertEquals(List.of("Accept-Encoding", "Origin"), vary(allowed));

    HttpResponse<String> refused = send(gw, "GET", "/app/rogue", "Origin", EVIL);
    assertEquals(200, refused.statusCode(), refused::body);
    assertEquals(List.of(), corsHeaders(refused));
  }
}
