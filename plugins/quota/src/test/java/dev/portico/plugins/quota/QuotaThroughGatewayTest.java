package dev.portico.plugins.quota;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code quota} plugin through a real gateway on the local counter store: exact counts per
 * calendar window, what a client sees when over, and that the backend never sees what is refused.
 * Window boundaries are proven on the store with a controlled clock ({@code LocalCounterStoreTest}).
 */
class QuotaThroughGatewayTest {

  private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final AtomicInteger backendHits = new AtomicInteger();
  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start().handler(req -> {
      backendHits.incrementAndGet();
      req.response().end("ok");
    });
    gw = TestGateway.start("""
        apis:
          - name: q
            basePath: /q
            routes:
              - path: /daily
                integration: { type: http, uri: "%1$s/daily" }
                policies:
                  - quota: { limit: 3, period: DAY }
              - path: /monthly
                integration: { type: mock }
                policies:
                  - quota: { limit: 1, period: MONTH }
              - path: /per-client
                integration: { type: mock }
                policies:
                  - quota: { limit: 1, period: HOUR, per: "header:X-Client" }
        """.formatted(backend.url()));
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

  private static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long header(HttpResponse<?> r, String name) {
    return Long.parseLong(r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name)));
  }

  /** The wall clock as the local store reads it: whole milliseconds. */
  private static Instant nowMillis() {
    return Instant.ofEpochMilli(System.currentTimeMillis());
  }

  /** Whole seconds from {@code now} to {@code end}, rounded up, as the gateway announces them. */
  private static long secondsUntil(Instant end, Instant now) {
    long millis = Duration.between(now, end).toMillis();
    return (millis + 999) / 1000;
  }

  @Test
  void aDailyQuotaAdmitsItsLimitThenAnswers429UntilUtcMidnight() throws Exception {
    int before = backendHits.get();
    for (int i = 1; i <= 3; i++) {
      HttpResponse<String> r = get("/q/daily");
      assertEquals(200, r.statusCode(), "request " + i);
      assertEquals(3, header(r, "RateLimit-Limit"));
      assertEquals(3 - i, header(r, "RateLimit-Remaining"));
    }
    for (int i = 0; i < 3; i++) {
      Instant sent = nowMillis();
      HttpResponse<String> r = get("/q/daily");
      Instant answered = nowMillis();
      assertGatewayError(429, r);
      Instant midnight = LocalDate.ofInstant(answered, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      long retry = header(r, "Retry-After");
      // the window ends at the next 00:00 UTC; the gateway measured "now" between sent and answered
      assertTrue(retry <= secondsUntil(midnight, sent) && retry >= secondsUntil(midnight, answered),
          "Retry-After " + retry + " is not the time to " + midnight);
      assertEquals(retry, header(r, "RateLimit-Reset"));
      assertEquals(3, header(r, "RateLimit-Limit"));
      assertEquals(0, header(r, "RateLimit-Remaining"));
    }
    assertEquals(3, backendHits.get() - before, "requests over the quota never reach the backend");
  }

  @Test
  void aMonthlyQuotaResetsAtTheStartOfTheNextUtcMonth() throws Exception {
    assertEquals(200, get("/q/monthly").statusCode());
    Instant sent = nowMillis();
    HttpResponse<String> r = get("/q/monthly");
    Instant answered = nowMillis();
    assertGatewayError(429, r);
    Instant nextMonth = LocalDate.ofInstant(answered, ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1)
        .atStartOfDay(ZoneOffset.UTC).toInstant();
    long retry = header(r, "Retry-After");
    assertTrue(retry <= secondsUntil(nextMonth, sent) && retry >= secondsUntil(nextMonth, answered),
        "Retry-After " + retry + " is not the time to " + nextMonth);
  }

  @Test
  void eachHeaderValueHasItsOwnQuota() throws Exception {
    assertEquals(200, get("/q/per-client", "X-Client", "a").statusCode());
    assertEquals(429, get("/q/per-client", "X-Client", "a").statusCode());
    assertEquals(200, get("/q/per-client", "X-Client", "b").statusCode());
    assertEquals(429, get("/q/per-client", "X-Client", "b").statusCode());
  }
}
