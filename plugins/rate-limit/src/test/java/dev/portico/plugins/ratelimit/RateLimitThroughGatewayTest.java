package dev.portico.plugins.ratelimit;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import dev.portico.spi.Authorizer;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.Principal;
import io.vertx.core.Future;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code rate-limit} plugin through a real gateway on the local counter store: what a client
 * and the backend see. The rates are slow enough (one token per 100 s) that nothing refills during
 * a test, so every count is exact; refilling on time is proven on the store with a controlled clock
 * ({@code LocalCounterStoreTest}).
 */
class RateLimitThroughGatewayTest {

  private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final AtomicInteger backendHits = new AtomicInteger();
  private static Backend backend;
  private static TestGateway gw;

  /** {@code test-caller}: the principal is the {@code X-Caller} header, anonymous without it. */
  static final class CallerFromHeader implements PolicyFactory<Object> {
    @Override
    public String name() {
      return "test-caller";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.AUTHORIZER;
    }

    @Override
    public Object parse(ConfigReader config) {
      return "";
    }

    @Override
    public Policy create(Object config, PolicyEnvironment env) {
      return (Authorizer) ctx -> {
        String caller = ctx.request().headers().get("X-Caller");
        return Future.succeededFuture(caller == null ? Principal.ANONYMOUS : Principal.of(caller));
      };
    }
  }

  @BeforeAll
  static void start() {
    backend = Backend.start().handler(req -> {
      backendHits.incrementAndGet();
      req.response().end("ok");
    });
    gw = TestGateway.start("""
        server: { instances: 1, trustedProxies: [127.0.0.1/32] }
        apis:
          - name: rl
            basePath: /rl
            routes:
              - path: /burst
                integration: { type: http, uri: "%1$s/burst" }
                policies:
                  - rate-limit: { rate: 0.01, burst: 3 }
              - path: /twin-a
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0.01, burst: 1 }
              - path: /twin-b
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0.01, burst: 1 }
              - path: /by-method
                methods: [GET]
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0.01, burst: 1 }
              - path: /by-method
                methods: [POST]
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0.01, burst: 1 }
              - path: /per-ip
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0.01, burst: 1, per: ip }
              - path: /per-header
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0.01, burst: 1, per: "header:X-Tenant" }
              - path: /per-principal
                integration: { type: mock }
                policies:
                  - test-caller: {}
                  - rate-limit: { rate: 0.01, burst: 1, per: principal }
              - path: /not-strict
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0.01, burst: 2, strict: false }
          - name: whole-api
            basePath: /api
            policies:
              - rate-limit: { rate: 0.01, burst: 1 }
            routes:
              - path: /one
                integration: { type: mock }
              - path: /two
                integration: { type: mock }
        """.formatted(backend.url()), new CallerFromHeader());
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void aBurstIsAdmittedThenRejectedWith429RetryAfterAndRateLimitHeaders() throws Exception {
    int before = backendHits.get();
    for (int i = 1; i <= 3; i++) {
      HttpResponse<String> r = get("/rl/burst");
      assertEquals(200, r.statusCode(), "request " + i);
      assertEquals("3", header(r, "RateLimit-Limit"));
      assertEquals(String.valueOf(3 - i), header(r, "RateLimit-Remaining"));
      // full again after i tokens at 0.01/s: i * 100 s, rounded up
      assertEquals(String.valueOf(i * 100), header(r, "RateLimit-Reset"), "request " + i);
    }
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = get("/rl/burst");
      assertGatewayError(429, r);
      assertEquals("100", header(r, "Retry-After"), "the next token, at 0.01/s, in 100 s");
      assertEquals("3", header(r, "RateLimit-Limit"));
      assertEquals("0", header(r, "RateLimit-Remaining"));
      assertEquals("100", header(r, "RateLimit-Reset"));
    }
    assertEquals(3, backendHits.get() - before, "rejected requests never reach the backend");
  }

  @Test
  void twoRoutesWithTheSameConfigurationDoNotShareABucket() throws Exception {
    assertEquals(200, get("/rl/twin-a").statusCode());
    assertEquals(429, get("/rl/twin-a").statusCode());
    assertEquals(200, get("/rl/twin-b").statusCode(), "twin-b has its own bucket");
    assertEquals(429, get("/rl/twin-b").statusCode());
  }

  @Test
  void routesThatDifferOnlyByMethodDoNotShareABucket() throws Exception {
    assertEquals(200, send("GET", "/rl/by-method").statusCode());
    assertEquals(429, send("GET", "/rl/by-method").statusCode());
    assertEquals(200, send("POST", "/rl/by-method").statusCode(), "the POST route has its own bucket");
    assertEquals(429, send("POST", "/rl/by-method").statusCode());
  }

  @Test
  void anApiLevelLimitCountsEachRouteApart() throws Exception {
    assertEquals(200, get("/api/one").statusCode());
    assertEquals(429, get("/api/one").statusCode());
    assertEquals(200, get("/api/two").statusCode());
    assertEquals(429, get("/api/two").statusCode());
  }

  @Test
  void perIpGivesEachClientAddressItsOwnBucket() throws Exception {
    // the test connects from 127.0.0.1, a trusted proxy: the client is the address it forwards for
    assertEquals(200, get("/rl/per-ip", "X-Forwarded-For", "203.0.113.1").statusCode());
    assertEquals(429, get("/rl/per-ip", "X-Forwarded-For", "203.0.113.1").statusCode());
    assertEquals(200, get("/rl/per-ip", "X-Forwarded-For", "203.0.113.2").statusCode());
    assertEquals(429, get("/rl/per-ip", "X-Forwarded-For", "203.0.113.2").statusCode());
  }

  @Test
  void perHeaderCountsEachValueAndARequestWithoutItByItsAddress() throws Exception {
    assertEquals(200, get("/rl/per-header", "X-Tenant", "acme").statusCode());
    assertEquals(429, get("/rl/per-header", "X-Tenant", "acme").statusCode());
    assertEquals(200, get("/rl/per-header", "X-Tenant", "globex").statusCode());

    String[] from = {"X-Forwarded-For", "198.51.100.7"};
    assertEquals(200, get("/rl/per-header", from).statusCode(), "no header: counted by address");
    assertEquals(429, get("/rl/per-header", from).statusCode(), "leaving the header out escapes nothing");
    assertEquals(200, get("/rl/per-header", "X-Forwarded-For", "198.51.100.8").statusCode(),
        "another address without the header is not blocked by the first");
  }

  @Test
  void perPrincipalCountsEachCallerAndAnAnonymousOneByItsAddress() throws Exception {
    assertEquals(200, get("/rl/per-principal", "X-Caller", "alice").statusCode());
    assertEquals(429, get("/rl/per-principal", "X-Caller", "alice").statusCode());
    assertEquals(200, get("/rl/per-principal", "X-Caller", "bob").statusCode());

    // a principal whose id looks like an address does not share the address's bucket
    assertEquals(200, get("/rl/per-principal", "X-Caller", "192.0.2.9", "X-Forwarded-For", "192.0.2.9").statusCode());
    assertEquals(200, get("/rl/per-principal", "X-Forwarded-For", "192.0.2.9").statusCode(), "anonymous, by address");
    assertEquals(429, get("/rl/per-principal", "X-Forwarded-For", "192.0.2.9").statusCode());
    assertEquals(200, get("/rl/per-principal", "X-Forwarded-For", "192.0.2.10").statusCode());
  }

  @Test
  void strictFalseIsAcceptedAndExactOnTheLocalStore() throws Exception {
    assertEquals(200, get("/rl/not-strict").statusCode());
    assertEquals(200, get("/rl/not-strict").statusCode());
    HttpResponse<String> r = get("/rl/not-strict");
    assertEquals(429, r.statusCode());
    assertFalse(header(r, "Retry-After").isEmpty());
    assertTrue(Long.parseLong(header(r, "Retry-After")) > 0);
  }
}
