package dev.portico.plugins.httpauthorizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.GatewayErrors;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The {@code http-authorizer} through a real gateway, a real authorizer service and a real backend
 * on loopback (docs/CONFIGURATION.md): what the authorizer is sent, what its answers become,
 * the timeout, and how few calls the cache and single flight leave.
 *
 * <p>Each test uses tokens of its own, so the cache carries nothing from one test to another.
 */
class HttpAuthorizerPolicyTest {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /** Requests that reached the route (its transformers' {@code onMatch}, which runs before the authorizers). */
  private static final AtomicInteger arrivals = new AtomicInteger();

  /** {@code arrivals: {}}: counts requests that reached the route, before its authorizers run. */
  static final class ArrivalCounter implements PolicyFactory<String> {
    @Override
    public String name() {
      return "arrivals";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    @Override
    public String parse(ConfigReader config) {
      return "";
    }

    @Override
    public Policy create(String config, PolicyEnvironment env) {
      return new Transformer() {
        @Override
        public Future<Void> onMatch(RequestContext ctx) {
          arrivals.incrementAndGet();
          return Future.succeededFuture();
        }
      };
    }
  }

  private static AuthorizerServer authz;
  private static Backend backend;
  /** One event loop. */
  private static TestGateway gw;
  /** Two event loops: a shared call completes on one, its waiters continue on theirs. */
  private static TestGateway twoLoops;

  @BeforeAll
  static void start() {
    authz = new AuthorizerServer();
    backend = Backend.start();
    String authorizer = "http-authorizer: { uri: \"" + authz.uri() + "\", timeout: 500ms, cacheTtl: 60s }";
    gw = TestGateway.start("""
        apis:
          - name: secured
            basePath: /s
            routes:
              - path: /pets/{id}
                methods: [GET, DELETE]
                integration: { type: http, uri: "%1$s/pets/{id}" }
                policies:
                  - %2$s
                  - headers: { request: { set: { X-User: "${principal.id}", X-Tier: "${principal.tier}", X-Email: "${principal.email}" } } }
              - path: /other
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - %2$s
              - path: /uncached
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - arrivals: {}
                  - http-authorizer: { uri: "%3$s", timeout: 10s, cacheTtl: 0s }
              - path: /short
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - http-authorizer: { uri: "%3$s", cacheTtl: 300ms }
              - path: /tenant
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - http-authorizer: { uri: "%3$s", identitySource: [Authorization, X-Tenant] }
              - path: /dead
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - http-authorizer: { uri: "http://127.0.0.1:%4$d/authorize" }
        """.formatted(backend.url(), authorizer, authz.uri(), TestGateway.freePort()),
        BundledPlugins.dir("headers"), new ArrivalCounter());
    twoLoops = TestGateway.start("""
        server: { instances: 2 }
        apis:
          - name: spread
            basePath: /x
            routes:
              - path: /gated
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - arrivals: {}
                  - http-authorizer: { uri: "%s", timeout: 10s, cacheTtl: 60s }
                  - headers: { response: { set: { X-User: "${principal.id}" } } }
        """.formatted(authz.uri()), BundledPlugins.dir("headers"), new ArrivalCounter());
  }

  @AfterAll
  static void stop() {
    gw.close();
    twoLoops.close();
    backend.close();
    authz.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  private static HttpRequest request(TestGateway gateway, String method, String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(15))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return b.build();
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> get(String path, String token) {
    return token == null ? send(request(gw, "GET", path)) : send(request(gw, "GET", path, "Authorization", "Bearer " + token));
  }

  private static String header(HttpResponse<String> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(5_000_000);
    }
  }

  // ---- what the authorizer's answers become ------------------------------------------------

  @Test
  void anAllowingAnswerBecomesThePrincipalTheBackendSees() {
    HttpResponse<String> r = get("/s/pets/7", "allow-alice");

    assertEquals(200, r.statusCode(), r::body);
    Backend.Received seen = backend.nextRequest();
    assertEquals("/pets/7", seen.uri());
    assertEquals("alice", seen.headers().get("X-User"));
    assertEquals("gold", seen.headers().get("X-Tier"), "the answer's other fields are claims");
  }

  @Test
  void theAuthorizerIsPostedTheIdentityHeadersAndTheRequestAsJson() {
    HttpResponse<String> r = send(request(gw, "GET", "/s/pets/8?q=1&q=2&color=red",
        "Authorization", "Bearer allow-posted", "X-Trace", "t-2"));
    assertEquals(200, r.statusCode(), r::body);
    backend.nextRequest();

    List<AuthorizerServer.Call> calls = authz.callsFor("allow-posted");
    assertEquals(1, calls.size());
    AuthorizerServer.Call call = calls.get(0);
    assertEquals("Bearer allow-posted", call.headers().get("Authorization"));
    assertEquals("application/json", call.headers().get("Content-Type"));
    assertEquals(header(r, "X-Request-Id"), call.headers().get("X-Request-Id"));
    assertNull(call.headers().get("X-Trace"), "only the identitySource headers are copied onto the call");
    JsonObject body = call.body();
    assertEquals("GET", body.getString("method"));
    assertEquals("/s/pets/8", body.getString("path"));
    assertEquals(new JsonObject().put("q", "1,2").put("color", "red"), body.getJsonObject("query"));
    assertEquals("t-2", body.getJsonObject("headers").getString("x-trace"));
    assertEquals("Bearer allow-posted", body.getJsonObject("headers").getString("authorization"));
    assertEquals("127.0.0.1", body.getString("sourceIp"));
    assertEquals("/pets/{id}", body.getString("route"));
  }

  @Test
  void withoutPrincipalIdTheAnswersSubIsTheId() {
    HttpResponse<String> r = get("/s/pets/1", "sub-carol");

    assertEquals(200, r.statusCode(), r::body);
    Backend.Received seen = backend.nextRequest();
    assertEquals("carol", seen.headers().get("X-User"));
    assertEquals("carol@example.com", seen.headers().get("X-Email"));
  }

  @Test
  void a403IsPassedOnWithTheAuthorizersMessage() {
    HttpResponse<String> r = get("/s/pets/1", "deny-bob");

    JsonObject error = GatewayErrors.assertGatewayError(403, r);
    assertEquals("not for you", error.getString("message"));
    assertEquals(0, backend.pending(), "a denied request reached the backend");
  }

  @Test
  void a401IsPassedOnWithTheAuthorizersChallenge() {
    HttpResponse<String> r = get("/s/pets/1", "expired-dave");

    JsonObject error = GatewayErrors.assertGatewayError(401, r);
    assertEquals("token expired", error.getString("message"));
    assertEquals("Bearer error=\"invalid_token\"", header(r, "WWW-Authenticate"));
    assertEquals(0, backend.pending());
  }

  @Test
  void aRequestMissingAnIdentityHeaderIs401WithoutACall() {
    int before = authz.totalCalls();

    GatewayErrors.assertGatewayError(401, get("/s/pets/1", null));
    GatewayErrors.assertGatewayError(401, get("/s/tenant", "allow-erin"));
    HttpResponse<String> both = send(request(gw, "GET", "/s/tenant", "Authorization", "Bearer allow-erin", "X-Tenant", "acme"));
    assertEquals(200, both.statusCode(), both::body);

    assertEquals(before + 1, authz.totalCalls(), "only the request carrying every identity header was asked about");
    assertEquals("acme", authz.callsFor("allow-erin").get(0).headers().get("X-Tenant"));
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
  void twoAuthorizationHeadersAre400WithoutACallAndTheBackendSeesNeither() {
    int before = authz.totalCalls();
    try (RawHttp http = RawHttp.connect(gw.port())) {
      // Both would be allowed: the request is refused for carrying two, whatever the case of their names.
      RawHttp.Response twice = rawGet(http, "/s/pets/3", "Authorization: Bearer allow-frank", "authorization: Bearer allow-grace");
      JsonObject error = GatewayErrors.assertGatewayError(400, twice);
      assertEquals("Bad Request: more than one Authorization header", error.getString("message"));

      // The next request on the connection, with one header, is the first the backend sees.
      RawHttp.Response once = rawGet(http, "/s/pets/4", "Authorization: Bearer allow-frank");
      assertEquals(200, once.status(), () -> RawHttp.describe(once));
    }
    Backend.Received seen = backend.nextRequest();
    assertEquals("/pets/4", seen.uri());
    assertEquals(List.of("Bearer allow-frank"), seen.headers().getAll("Authorization"));
    assertEquals(0, backend.pending(), "the backend saw the refused request");
    assertEquals(before + 1, authz.totalCalls(), "the authorizer was asked about the refused request");
    assertEquals(0, authz.calls("allow-grace"));
  }

  @Test
  void everyIdentitySourceHeaderSentTwiceIs400EvenWhenAnotherIsMissing() {
    int before = authz.totalCalls();
    try (RawHttp http = RawHttp.connect(gw.port())) {
      JsonObject error = GatewayErrors.assertGatewayError(400, rawGet(http, "/s/tenant",
          "Authorization: Bearer allow-heidi", "X-Tenant: acme", "X-Tenant: globex"));
      assertEquals("Bad Request: more than one X-Tenant header", error.getString("message"));
      GatewayErrors.assertGatewayError(400, rawGet(http, "/s/tenant", "X-Tenant: acme", "X-TENANT: acme"));
    }
    assertEquals(before, authz.totalCalls(), "the authorizer was asked about a refused request");
  }

  // ---- when the authorizer cannot answer -------------------------------------------------

  @Test
  void anAuthorizerTooSlowIs503AfterTheTimeoutAndIsAskedAgainNextTime() {
    long start = System.nanoTime();
    HttpResponse<String> r = get("/s/pets/1", "slow-frank");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    GatewayErrors.assertGatewayError(503, r);
    assertTrue(millis >= 450 && millis < 5_000, "answered after " + millis + " ms with a 500 ms timeout");
    GatewayErrors.assertGatewayError(503, get("/s/pets/1", "slow-frank"));
    await("the second call", () -> authz.calls("slow-frank") == 2);
    assertEquals(0, backend.pending());
  }

  @Test
  void anUnexpectedAnswerIs503AndIsNotCached() {
    GatewayErrors.assertGatewayError(503, get("/s/pets/1", "broken-gus"));
    GatewayErrors.assertGatewayError(503, get("/s/pets/1", "broken-gus"));
    assertEquals(2, authz.calls("broken-gus"));

    GatewayErrors.assertGatewayError(503, get("/s/pets/1", "noid-hal"));
    assertEquals(0, backend.pending());
  }

  @Test
  void anUnreachableAuthorizerIs503() {
    GatewayErrors.assertGatewayError(503, get("/s/dead", "allow-ivy"));
  }

  // ---- the cache and single flight -----------------------------------------------------------

  @Test
  void allowAndDenyDecisionsAreCachedSoTheAuthorizerIsCalledOnceForManyRequests() {
    for (int i = 0; i < 5; i++) {
      assertEquals(200, get("/s/pets/" + i, "allow-cached").statusCode());
      assertEquals(403, get("/s/pets/" + i, "deny-cached").statusCode());
      backend.nextRequest();
    }

    assertEquals(1, authz.calls("allow-cached"));
    assertEquals(1, authz.calls("deny-cached"));
  }

  @Test
  void decisionsAreCachedPerIdentityMethodAndRoute() {
    assertEquals(200, get("/s/pets/1", "allow-judy").statusCode());
    assertEquals(200, get("/s/pets/2", "allow-judy").statusCode());
    assertEquals(1, authz.calls("allow-judy"), "same route, same method, same identity");

    assertEquals(200, send(request(gw, "DELETE", "/s/pets/1", "Authorization", "Bearer allow-judy")).statusCode());
    assertEquals(2, authz.calls("allow-judy"), "another method");

    assertEquals(200, get("/s/other", "allow-judy").statusCode());
    assertEquals(3, authz.calls("allow-judy"), "another route");

    assertEquals(200, get("/s/pets/1", "allow-ken").statusCode());
    assertEquals(1, authz.calls("allow-ken"), "another identity");
  }

  @Test
  void aCachedDecisionIsAskedForAgainOnceCacheTtlIsOver() {
    long start = System.nanoTime();
    assertEquals(200, get("/s/short", "allow-liz").statusCode());
    assertEquals(200, get("/s/short", "allow-liz").statusCode());
    int callsWhileFresh = authz.calls("allow-liz");
    boolean fresh = System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(300);

    await("a call after the 300 ms cacheTtl", () -> {
      assertEquals(200, get("/s/short", "allow-liz").statusCode());
      return authz.calls("allow-liz") == 2;
    });
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "asked again before the cacheTtl was over");
    if (fresh) {
      assertEquals(1, callsWhileFresh, "two requests within the cacheTtl made two calls");
    }
  }

  @Test
  void concurrentRequestsWithOneIdentityShareOneCall() throws Exception {
    // cacheTtl 0s: only single flight can spare the calls
    arrivals.set(0);
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      responses.add(HTTP.sendAsync(request(gw, "GET", "/s/uncached", "Authorization", "Bearer gate-mia"),
          HttpResponse.BodyHandlers.ofString()));
    }
    // every request has reached the route, and so (on this gateway's single event loop, in the
    // same turn) asked the cache, before the authorizer answers
    await("8 requests at the route and a call", () -> arrivals.get() == 8 && authz.calls("gate-mia") >= 1);
    authz.release("gate-mia");

    for (CompletableFuture<HttpResponse<String>> f : responses) {
      HttpResponse<String> r = f.get(15, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r::body);
    }
    assertEquals(1, authz.calls("gate-mia"));

    assertEquals(200, get("/s/uncached", "gate-mia").statusCode());
    assertEquals(2, authz.calls("gate-mia"), "with cacheTtl 0s, a later request asks again");
  }

  @Test
  void requestsOnSeveralEventLoopsWaitingForOneCallEachGetTheAnswerOnTheirOwnLoop() throws Exception {
    arrivals.set(0);
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      responses.add(HTTP.sendAsync(request(twoLoops, "GET", "/x/gated", "Authorization", "Bearer gate-ned"),
          HttpResponse.BodyHandlers.ofString()));
    }
    await("8 requests at the route and a call", () -> arrivals.get() == 8 && authz.calls("gate-ned") >= 1);
    authz.release("gate-ned");

    for (CompletableFuture<HttpResponse<String>> f : responses) {
      HttpResponse<String> r = f.get(15, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r::body);
      assertEquals("ned", header(r, "X-User"));
    }
    assertEquals(1, authz.calls("gate-ned"));
  }

  @Test
  void identityValuesNeverAppearInTheLogsWhenTheAuthorizerFails() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Queue<String> lines = new ConcurrentLinkedQueue<>();
    AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()));
      }
    };
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    try {
      GatewayErrors.assertGatewayError(503, get("/s/dead", "allow-secret-token-1"));
      GatewayErrors.assertGatewayError(503, get("/s/short", "broken-secret-token-2")); // its policy has not warned before
    } finally {
      root.detachAppender(appender);
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("http-authorizer")), () -> "no warning logged: " + lines);
    for (String line : lines) {
      assertFalse(line.contains("secret-token"), "an identity value was logged: " + line);
    }
  }
}
