package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.ScriptedPolicies.DENY;
import static dev.portico.gateway.pipeline.Wire.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.PrometheusText;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} (docs/CONFIGURATION.md; issue 6's "Metrics"): requests by API, route template,
 * stage, deployment and status class; latency histograms; throttled and denied counts by policy;
 * the counter store's latency and errors; Vert.x's and the JVM's meters beside them. Requests are
 * sent through a real gateway, then its admin port is scraped without a token.
 *
 * <p>A request is counted once its response has been sent, which the client may see a moment
 * before the gateway records it: assertions poll the scrape, bounded.
 */
class MetricsTest {

  private static final String[] PETS = {"api", "pets", "route", "/{id}", "stage", "$default", "deployment", "current"};

  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    gw = TestGateway.start("""
        admin: { token: s3cret }
        apis:
          - name: pets
            basePath: /pets
            stages:
              $default: { variables: { backend: "%1$s" } }
              beta: { variables: { backend: "%1$s" } }
            routes:
              - path: /{id}
                methods: [GET]
                integration: { type: http, uri: "${stage.backend}/pets/{id}" }
              - path: /guarded
                integration: { type: mock }
                policies:
                  - test-auth: { tag: a1 }
              - path: /limited
                integration: { type: mock }
                policies:
                  - test-bucket: { key: metrics, burst: 1 }
        """.formatted(backend.url()),
        new ScriptedPolicies.ScriptedAuthorizer(new ScriptedPolicies.Journal()),
        new ScriptedPolicies.CounterStoreThrottler());
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  private static String[] with(String[] labels, String... more) {
    String[] out = java.util.Arrays.copyOf(labels, labels.length + more.length);
    System.arraycopy(more, 0, out, labels.length, more.length);
    return out;
  }

  /** Scrapes until {@code done} holds, for at most 10 seconds; the last scrape either way. */
  private static PrometheusText scrapeUntil(Predicate<PrometheusText> done) {
    return scrapeUntil(gw, done);
  }

  private static PrometheusText scrapeUntil(TestGateway gateway, Predicate<PrometheusText> done) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    PrometheusText scrape = PrometheusText.scrape(gateway);
    while (!done.test(scrape) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      scrape = PrometheusText.scrape(gateway);
    }
    return scrape;
  }

  @Test
  void requestsAreCountedByRouteTemplateStageDeploymentAndStatusClass() {
    PrometheusText before = PrometheusText.scrape(gw);
    double ok = before.value("portico_requests_total", with(PETS, "status", "2xx"));
    double beta = before.value("portico_requests_total", "api", "pets", "stage", "beta", "status", "2xx");

    assertEquals(200, get(gw, "/pets/1").statusCode());
    assertEquals(200, get(gw, "/pets/2").statusCode());
    assertEquals(200, get(gw, "/beta/pets/3").statusCode());

    PrometheusText after = scrapeUntil(m -> m.value("portico_requests_total", with(PETS, "status", "2xx")) == ok + 2
        && m.value("portico_requests_total", "api", "pets", "stage", "beta", "status", "2xx") == beta + 1);
    assertEquals(ok + 2, after.value("portico_requests_total", with(PETS, "status", "2xx")), after::text);
    assertEquals(beta + 1, after.value("portico_requests_total",
        "api", "pets", "route", "/{id}", "stage", "beta", "deployment", "current", "status", "2xx"), after::text);
    // the template, never the path a client sent
    assertFalse(after.text().contains("/pets/1") || after.text().contains("\"/1\""), after::text);
  }

  @Test
  void totalAndUpstreamTimeAreHistogramsInSeconds() {
    assertEquals(200, get(gw, "/pets/7").statusCode());

    String[] ok = with(PETS, "status", "2xx");
    PrometheusText m = scrapeUntil(s -> s.value("portico_requests_total", ok) >= 1
        && s.value("portico_upstream_duration_seconds_count", PETS) >= 1);
    double count = m.value("portico_request_duration_seconds_count", ok);
    assertTrue(count >= 1, m::text);
    assertEquals(count, m.value("portico_request_duration_seconds_bucket", with(ok, "le", "+Inf")), m::text);
    assertEquals(1, m.find("portico_request_duration_seconds_bucket", with(ok, "le", "0.001")).size(), m::text);
    assertEquals(1, m.find("portico_request_duration_seconds_bucket", with(ok, "le", "30.0")).size(), m::text);
    assertTrue(m.value("portico_request_duration_seconds_sum", ok) > 0, m::text);

    double upstream = m.value("portico_upstream_duration_seconds_count", PETS);
    assertTrue(upstream >= 1, m::text);
    assertEquals(upstream, m.value("portico_upstream_duration_seconds_bucket", with(PETS, "le", "+Inf")), m::text);
  }

  @Test
  void unmatchedRequestsCountUnderFixedLabelsNeverTheirPath() {
    String[] unrouted = {"api", "-", "route", "-", "stage", "-", "deployment", "-", "status", "4xx"};
    double before = PrometheusText.scrape(gw).value("portico_requests_total", unrouted);

    assertEquals(404, get(gw, "/no-such-api/secret-looking-path").statusCode());
    assertEquals(405, Wire.send(Wire.to(gw, "/pets/1").DELETE().build()).statusCode());

    PrometheusText m = scrapeUntil(s -> s.value("portico_requests_total", unrouted) == before + 2);
    assertEquals(before + 2, m.value("portico_requests_total", unrouted), m::text);
    assertFalse(m.text().contains("secret-looking-path"), m::text);
  }

  @Test
  void aThrottlersRefusalIsCountedByPolicyAndTheStoreIsTimed() {
    String[] limited = {"api", "pets", "route", "/limited", "stage", "$default", "deployment", "current"};
    String[] store = {"store", "local", "operation", "takeToken"};
    PrometheusText before = PrometheusText.scrape(gw);
    double throttled = before.value("portico_throttled_total", with(limited, "policy", "test-bucket"));
    double decisions = before.value("portico_counter_store_duration_seconds_count", store);

    // a bucket of one that practically never refills: the first request passes, the next is refused
    get(gw, "/pets/limited");
    assertEquals(429, get(gw, "/pets/limited").statusCode());

    PrometheusText m = scrapeUntil(s -> s.value("portico_throttled_total", with(limited, "policy", "test-bucket")) >= throttled + 1
        && s.value("portico_requests_total", with(limited, "status", "4xx")) >= 1);
    assertEquals(throttled + 1, m.value("portico_throttled_total", with(limited, "policy", "test-bucket")), m::text);
    assertTrue(m.value("portico_requests_total", with(limited, "status", "4xx")) >= 1, m::text);
    assertEquals(decisions + 2, m.value("portico_counter_store_duration_seconds_count", store), m::text);
    assertEquals(1, m.find("portico_counter_store_duration_seconds_bucket", with(store, "le", "1.0E-4")).size()
        + m.find("portico_counter_store_duration_seconds_bucket", with(store, "le", "0.0001")).size(), m::text);
    assertEquals(0, m.value("portico_counter_store_errors_total", store), m::text);
    assertEquals(1, m.find("portico_counter_store_errors_total", store).size(), m::text);
  }

  @Test
  void aCounterStoreThatCannotAnswerCountsErrorsAndTheDenialItCauses() {
    int nothingListens = TestGateway.freePort();
    try (TestGateway redisless = TestGateway.start("""
        counters:
          store: redis
          redis: { endpoint: "redis://127.0.0.1:%d" }
          timeout: 300ms
          onStoreFailure: deny
        apis:
          - name: r
            routes:
              - path: /limited
                integration: { type: mock }
                policies:
                  - test-bucket: { key: r, burst: 5 }
        """.formatted(nothingListens), new ScriptedPolicies.CounterStoreThrottler())) {
      assertEquals(503, get(redisless, "/limited").statusCode());

      String[] store = {"store", "redis", "operation", "takeToken"};
      String[] denied = {"api", "r", "route", "/limited", "policy", "test-bucket", "status", "503"};
      PrometheusText m = scrapeUntil(redisless, s -> s.value("portico_denied_total", denied) == 1);
      assertEquals(1, m.value("portico_counter_store_errors_total", store), m::text);
      assertEquals(1, m.value("portico_counter_store_duration_seconds_count", store), m::text);
      assertEquals(1, m.value("portico_denied_total", denied), m::text);
      assertEquals(0, m.value("portico_throttled_total"), m::text);
    }
  }

  @Test
  void aCanarysRequestsCountUnderItsDeployment() {
    try (TestGateway shop = TestGateway.start("""
        admin: { token: s3cret }
        apis:
          - name: shop
            basePath: /shop
            stages: { prod: {} }
            routes:
              - path: /item
                integration: { type: mock, status: 200, body: { v: 1 } }
        """)) {
      Admin admin = new Admin(shop.adminPort(), "s3cret");
      String primary = admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}").json().getString("id");
      admin.expect(200, "PUT", "/apis/shop", """
          {"basePath": "/shop", "stages": {"prod": {}},
           "routes": [{"path": "/item", "integration": {"type": "mock", "status": 200, "body": {"v": 2}}}]}
          """);
      String canary = admin.expect(201, "POST", "/apis/shop/deployments", "{}").json().getString("id");
      admin.expect(200, "PUT", "/apis/shop/stages/prod",
          "{\"canary\": {\"deploymentId\": \"" + canary + "\", \"percent\": 50}}");

      int toCanary = 0;
      for (int i = 0; i < 100; i++) {
        Admin.Answer a = Admin.fetch(shop.port(), "/prod/shop/item");
        assertEquals(200, a.status(), a::toString);
        toCanary += a.json().getInteger("v") == 2 ? 1 : 0;
      }

      String[] prod = {"api", "shop", "route", "/item", "stage", "prod", "status", "2xx"};
      String[] byCanary = with(prod, "deployment", canary);
      String[] byPrimary = with(prod, "deployment", primary);
      int expected = toCanary;
      PrometheusText m = scrapeUntil(shop, s -> s.value("portico_requests_total", prod) == 100);
      assertEquals(expected, m.value("portico_requests_total", byCanary), m::text);
      assertEquals(100 - expected, m.value("portico_requests_total", byPrimary), m::text);
    }
  }

  @Test
  void openClientConnectionsAreAGauge() throws Exception {
    try (TestGateway quiet = TestGateway.start("""
        apis:
          - name: one
            routes:
              - path: /x
                integration: { type: mock, status: 200 }
        """)) {
      assertEquals(0, scrapeUntil(quiet, m -> m.value("portico_open_connections") == 0).value("portico_open_connections"));
      try (java.net.Socket a = new java.net.Socket("127.0.0.1", quiet.port());
          java.net.Socket b = new java.net.Socket("127.0.0.1", quiet.port())) {
        PrometheusText open = scrapeUntil(quiet, m -> m.value("portico_open_connections") == 2);
        assertEquals(2, open.value("portico_open_connections"), open::text);
      }
      PrometheusText closed = scrapeUntil(quiet, m -> m.value("portico_open_connections") == 0);
      assertEquals(0, closed.value("portico_open_connections"), closed::text);
    }
  }

  @Test
  void theSeriesOfADeploymentNoStageServesEndOnceItIsRetired() throws Exception {
    try (TestGateway shop = TestGateway.start("""
        admin: { token: s3cret }
        apis:
          - name: shop
            basePath: /shop
            stages: { prod: {} }
            routes:
              - path: /item
                integration: { type: mock, status: 200 }
        """)) {
      Admin admin = new Admin(shop.adminPort(), "s3cret");
      String first = admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}").json().getString("id");
      assertEquals(200, Admin.fetch(shop.port(), "/prod/shop/item").status());
      String[] byFirst = {"api", "shop", "stage", "prod", "deployment", first};
      scrapeUntil(shop, s -> s.value("portico_requests_total", byFirst) == 1);

      String second = admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}").json().getString("id");
      assertEquals(200, Admin.fetch(shop.port(), "/prod/shop/item").status());
      String[] bySecond = {"api", "shop", "stage", "prod", "deployment", second};
      scrapeUntil(shop, s -> s.value("portico_requests_total", bySecond) == 1);
      assertEquals(1, PrometheusText.scrape(shop).value("portico_requests_total", byFirst), "kept until retired");

      // what the gateway does a minute after a change, when requests that started before it are done
      shop.server().retireUnused().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      PrometheusText m = PrometheusText.scrape(shop);
      assertEquals(List.of(), m.find("portico_requests_total", byFirst), m::text);
      assertEquals(List.of(), m.find("portico_request_duration_seconds_count", byFirst), m::text);
      assertEquals(1, m.value("portico_requests_total", bySecond), m::text);
    }
  }

  @Test
  void anAuthorizersRefusalIsCountedByPolicyAndStatus() {
    String[] guarded = {"api", "pets", "route", "/guarded", "stage", "$default", "deployment", "current"};
    String[] forbidden = with(guarded, "policy", "test-auth", "status", "403");
    double before = PrometheusText.scrape(gw).value("portico_denied_total", forbidden);

    assertEquals(403, get(gw, "/pets/guarded", DENY, "authorize:403").statusCode());
    assertEquals(200, get(gw, "/pets/guarded").statusCode());

    PrometheusText m = scrapeUntil(s -> s.value("portico_denied_total", forbidden) == before + 1);
    assertEquals(before + 1, m.value("portico_denied_total", forbidden), m::text);
    assertEquals(0, m.value("portico_throttled_total", "route", "/guarded"), m::text);
  }

  @Test
  void vertxAndJvmMetricsAreInTheSameScrape() {
    get(gw, "/pets/9");
    PrometheusText m = PrometheusText.scrape(gw);

    assertFalse(m.find("jvm_memory_used_bytes").isEmpty(), m::text);
    assertFalse(m.find("jvm_gc_pause_seconds_count").isEmpty() && m.find("jvm_gc_memory_allocated_bytes_total").isEmpty(), m::text);
    assertFalse(m.find("netty_eventexecutor_tasks_pending").isEmpty(), m::text);
    assertFalse(m.find("vertx_pool_in_use", "pool_type", "worker").isEmpty(), m::text);
    // Vert.x's per-request HTTP meters are left out: they cost the hot path, and ours say more
    assertTrue(m.find("vertx_http_server_requests_total").isEmpty() && m.find("vertx_http_client_requests_total").isEmpty(), m::text);
  }

  @Test
  void metricsNeedNoTokenWhileTheRestOfTheAdminApiDoes() throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.net.URI admin = java.net.URI.create("http://127.0.0.1:" + gw.adminPort());
    var metrics = client.send(java.net.http.HttpRequest.newBuilder(admin.resolve("/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    var apis = client.send(java.net.http.HttpRequest.newBuilder(admin.resolve("/apis")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), metrics.headers()::toString);
    assertTrue(metrics.body().contains("# TYPE portico_requests_total counter"), metrics::body);
    assertEquals(401, apis.statusCode());
  }

  @Test
  void theAccessLogSaysWhichDeploymentServed() {
    Logger access = (Logger) LoggerFactory.getLogger("portico.access");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    access.addAppender(lines);
    try {
      assertEquals(200, get(gw, "/pets/11").statusCode());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (lines.list.stream().noneMatch(e -> e.getFormattedMessage().contains("/pets/11")) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      JsonObject line = lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains("/pets/11"))
          .findFirst().map(JsonObject::new).orElseThrow(() -> new AssertionError("no access log line for /pets/11"));
      assertEquals("current", line.getString("deployment"), line::encode);
      assertEquals("/{id}", line.getString("route"), line::encode);
    } finally {
      access.detachAppender(lines);
    }
  }
}
