package dev.portico.plugins.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.GatewayErrors;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code api-key} policy through a real gateway and a real backend on loopback (docs/CONFIGURATION.md): who gets in, who the backend sees, the key's usage plan applied, and the
 * key's value kept out of every log line.
 */
class ApiKeyPolicyTest {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private static final String GOLD_KEY = "gold-secret-7f3a9c";
  private static final String THROTTLED_KEY = "burst-secret-2b8e1d";
  private static final String TRIAL_KEY = "trial-secret-c41d0e";
  private static final String PARTNER_KEY = "partner-secret-9a6b55";

  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    gw = TestGateway.start("""
        apis:
          - name: orders
            basePath: /orders
            policies:
              - api-key: {}
            routes:
              - path: /{id}
                integration: { type: http, uri: "%s/orders/{id}" }
                policies:
                  - headers: { request: { set: { X-Key-Id: "${principal.id}", X-Plan: "${principal.usagePlan}" } } }
          - name: partners
            basePath: /partners
            routes:
              - path: /ping
                integration: { type: mock, status: 200, body: { pong: true } }
                policies:
                  - api-key: { header: X-Partner-Key }
        usagePlans:
          - name: gold
            throttle: { rate: 100, burst: 100 }
            keys:
              - { id: partner-a, value: "%s" }
              - { id: partner-b, value: "%s" }
          - name: burst
            throttle: { rate: 0.001, burst: 3 }
            keys: [ { id: bursty, value: "%s" } ]
          - name: trial
            quota: { limit: 2, period: DAY }
            keys: [ { id: trial-1, value: "%s" } ]
        """.formatted(backend.url(), GOLD_KEY, PARTNER_KEY, THROTTLED_KEY, TRIAL_KEY),
        BundledPlugins.dir("headers"));
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

  private static HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String header(HttpResponse<String> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void aRequestWithoutAKeyIs401WithAChallengeNamingTheHeader() {
    HttpResponse<String> r = get("/orders/1");

    GatewayErrors.assertGatewayError(401, r);
    assertEquals("ApiKey header=\"X-API-Key\"", header(r, "WWW-Authenticate"));
    assertTrue(r.body().contains("Missing API key"), r.body());
    assertEquals(0, backend.pending(), "the backend saw the request");
  }

  @Test
  void anUnknownKeyIs401AndTheBackendSeesNothing() {
    HttpResponse<String> r = get("/orders/1", "X-API-Key", "not-a-key-of-any-plan");

    GatewayErrors.assertGatewayError(401, r);
    assertEquals("Invalid API key", new JsonObject(r.body()).getString("message"));
    assertFalse(r.body().contains("not-a-key-of-any-plan"), "the refusal echoes the key: " + r.body());
    assertEquals(0, backend.pending());
  }

  @Test
  void aKnownKeyReachesTheBackendAsThePrincipalNamedByTheKeysId() {
    HttpResponse<String> r = get("/orders/42", "X-API-Key", GOLD_KEY);

    assertEquals(200, r.statusCode(), r::body);
    Backend.Received seen = backend.nextRequest();
    assertEquals("/orders/42", seen.uri());
    assertEquals("partner-a", seen.headers().get("X-Key-Id"));
    assertEquals("gold", seen.headers().get("X-Plan"));
    assertEquals("100", header(r, "RateLimit-Limit"), "the key's plan applies");
  }

  @Test
  void theKeyIsReadFromTheConfiguredHeader() {
    assertEquals(401, get("/partners/ping", "X-API-Key", PARTNER_KEY).statusCode(), "X-API-Key is not the header here");

    HttpResponse<String> r = get("/partners/ping", "X-Partner-Key", PARTNER_KEY);
    assertEquals(200, r.statusCode(), r::body);
    assertEquals("ApiKey header=\"X-Partner-Key\"", header(get("/partners/ping"), "WWW-Authenticate"));
  }

  /** Sends a GET with these header lines on a raw connection (a well-behaved client would merge repeated headers). */
  private static RawHttp.Response rawGet(RawHttp http, String path, String... headerLines) {
    StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    http.send(head.append("\r\n").toString());
    return http.read();
  }

  @Test
  void twoKeyHeadersAre400AndNeitherKeyReachesTheBackend() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      // Both keys are valid: the request is refused for carrying two, whatever the case of their names.
      RawHttp.Response twice = rawGet(http, "/orders/1", "X-API-Key: " + GOLD_KEY, "x-api-key: " + PARTNER_KEY);
      JsonObject error = GatewayErrors.assertGatewayError(400, twice);
      assertEquals("Bad Request: more than one X-API-Key header", error.getString("message"));
      assertFalse(twice.text().contains(GOLD_KEY) || twice.text().contains(PARTNER_KEY), twice.text());

      // The next request on the connection, with one key, is the first the backend sees.
      assertEquals(200, rawGet(http, "/orders/2", "X-API-Key: " + GOLD_KEY).status());
    }
    Backend.Received seen = backend.nextRequest();
    assertEquals("/orders/2", seen.uri());
    assertEquals(List.of(GOLD_KEY), seen.headers().getAll("X-API-Key"));
    assertEquals(0, backend.pending(), "the backend saw the refused request");
  }

  @Test
  void onlyTheConfiguredHeaderMustBeSentOnce() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      JsonObject error = GatewayErrors.assertGatewayError(400,
          rawGet(http, "/partners/ping", "X-Partner-Key: " + PARTNER_KEY, "X-Partner-Key: " + PARTNER_KEY));
      assertEquals("Bad Request: more than one X-Partner-Key header", error.getString("message"));
      // X-API-Key means nothing to this route's api-key policy: sent twice, it is just another header.
      RawHttp.Response r = rawGet(http, "/partners/ping", "X-Partner-Key: " + PARTNER_KEY, "X-API-Key: a", "X-API-Key: b");
      assertEquals(200, r.status(), () -> RawHttp.describe(r));
    }
  }

  @Test
  void theKeysThrottleAnswers429WithRetryAfterAndRateLimitHeadersOnceItsBurstIsSpent() {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = get("/orders/1", "X-API-Key", THROTTLED_KEY);
      assertEquals(200, r.statusCode(), r::body);
      assertEquals("3", header(r, "RateLimit-Limit"));
      assertEquals(String.valueOf(2 - i), header(r, "RateLimit-Remaining"));
    }

    HttpResponse<String> refused = get("/orders/1", "X-API-Key", THROTTLED_KEY);
    GatewayErrors.assertGatewayError(429, refused);
    assertEquals("1000", header(refused, "Retry-After"), "one token at 0.001 per second");
    assertEquals("3", header(refused, "RateLimit-Limit"));
    assertEquals("0", header(refused, "RateLimit-Remaining"));
    assertEquals(3, backend.pending(), "only the admitted requests reach the backend");
  }

  @Test
  void theKeysQuotaAnswers429OnceTheDaysLimitIsReached() {
    assertEquals(200, get("/orders/1", "X-API-Key", TRIAL_KEY).statusCode());
    HttpResponse<String> last = get("/orders/1", "X-API-Key", TRIAL_KEY);
    assertEquals(200, last.statusCode());
    assertEquals("2", header(last, "RateLimit-Limit"));
    assertEquals("0", header(last, "RateLimit-Remaining"));

    HttpResponse<String> refused = get("/orders/1", "X-API-Key", TRIAL_KEY);
    GatewayErrors.assertGatewayError(429, refused);
    long retryAfter = Long.parseLong(header(refused, "Retry-After"));
    assertTrue(retryAfter > 0 && retryAfter <= 86_400, "retry after the day's window (UTC) is over: " + retryAfter);
    assertEquals(2, backend.pending());
  }

  @Test
  void theKeysValueNeverAppearsInTheLogsWhileTheAccessLogShowsItsId() {
    List<String> lines;
    try (LogLines logs = LogLines.capture()) {
      HttpResponse<String> ok = get("/orders/7", "X-API-Key", PARTNER_KEY);
      assertEquals(200, ok.statusCode(), ok::body);
      get("/orders/7", "X-API-Key", PARTNER_KEY + "-wrong");
      get("/orders/7", "X-API-Key", GOLD_KEY.toUpperCase());
      String requestId = header(ok, "X-Request-Id");

      // the access log line is written once the response is sent: wait for it, bounded
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (logs.lines().stream().noneMatch(l -> l.contains(requestId) && l.contains("portico.access"))
          && System.nanoTime() < deadline) {
        LockSupport.parkNanos(5_000_000);
      }
      lines = logs.lines();
      String access = lines.stream().filter(l -> l.contains(requestId) && l.contains("portico.access"))
          .findFirst().orElseThrow(() -> new AssertionError("no access log line for " + requestId + " in " + logs.lines()));
      assertTrue(access.contains("\"principal\":\"partner-b\""), access);
    }
    for (String line : lines) {
      for (String secret : List.of(PARTNER_KEY, GOLD_KEY, GOLD_KEY.toUpperCase())) {
        assertFalse(line.contains(secret), "a key value was logged: " + line);
      }
    }
    backend.nextRequest();
  }
}
