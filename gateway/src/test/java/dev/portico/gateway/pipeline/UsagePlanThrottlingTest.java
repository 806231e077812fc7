package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.Wire.assertGatewayError;
import static dev.portico.gateway.pipeline.Wire.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.pipeline.ScriptedPolicies.Journal;
import dev.portico.gateway.pipeline.ScriptedPolicies.ScriptedThrottler;
import dev.portico.gateway.testing.TestGateway;
import dev.portico.spi.Authorizer;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import io.vertx.core.Future;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Usage plans (docs/CONFIGURATION.md): the plan of the key that authorized a request is
 * applied by the gateway as the route's first throttler, with the plan's token bucket and calendar
 * quota counted per key on the gateway's counter store.
 *
 * <p>The plans here refill at 0.001 per second, so a bucket never refills during a test, and
 * every test uses keys of its own.
 */
class UsagePlanThrottlingTest {

  private static final Journal journal = new Journal();
  private static TestGateway gw;

  /** {@code test-key: {}}: the usage plan key in {@code X-Test-Key}, found as {@code api-key} finds it. */
  static final class KeyAuthorizer implements PolicyFactory<Object> {
    @Override
    public String name() {
      return "test-key";
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
        PolicyEnvironment.UsagePlanKey key = env.findApiKey(ctx.request().headers().get("X-Test-Key"));
        return key == null
            ? Future.failedFuture(Rejection.unauthorized("no key"))
            : Future.succeededFuture(Principal.of(key.id()).withUsagePlan(key.plan()));
      };
    }
  }

  @BeforeAll
  static void start() {
    gw = TestGateway.start("""
        apis:
          - name: plans
            basePath: /p
            policies:
              - test-key: {}
            routes:
              - path: /open
                integration: { type: mock, status: 200, body: { ok: true } }
              - path: /refused
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - test-throttle: { tag: refuser, limit: 3, reset: 2500ms, reject: true }
        usagePlans:
          - name: rate
            throttle: { rate: 0.001, burst: 2 }
            keys:
              - { id: r1, value: rate-key-1 }
              - { id: r2, value: rate-key-2 }
              - { id: r3, value: rate-key-3 }
          - name: quota
            quota: { limit: 2, period: DAY }
            keys: [ { id: q1, value: quota-key-1 } ]
          - name: both
            throttle: { rate: 0.001, burst: 2 }
            quota: { limit: 1, period: DAY }
            keys: [ { id: b1, value: both-key-1 } ]
          - name: tight
            throttle: { rate: 0.001, burst: 1 }
            quota: { limit: 1, period: DAY }
            keys: [ { id: t1, value: tight-key-1 } ]
          - name: unlimited
            keys: [ { id: u1, value: unlimited-key-1 } ]
        """, new KeyAuthorizer(), new ScriptedThrottler(journal));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static HttpResponse<String> as(String key, String path) {
    return get(gw, path, "X-Test-Key", key);
  }

  private static String header(HttpResponse<String> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  private static void assertRateLimit(HttpResponse<String> r, String limit, String remaining, String reset) {
    String context = r.statusCode() + " " + r.headers().map();
    assertEquals(limit, header(r, "RateLimit-Limit"), context);
    assertEquals(remaining, header(r, "RateLimit-Remaining"), context);
    assertEquals(reset, header(r, "RateLimit-Reset"), context);
  }

  /** Whole seconds until the next UTC midnight, give or take the second the request took. */
  private static long secondsToMidnight() {
    Instant midnight = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    return Duration.between(Instant.now(), midnight).toSeconds();
  }

  private static void assertAboutMidnight(String seconds) {
    long expected = secondsToMidnight();
    long actual = Long.parseLong(seconds);
    assertTrue(Math.abs(actual - expected) <= 2, "resets in " + actual + " s, midnight UTC is " + expected + " s away");
  }

  @Test
  void aPlansThrottleAdmitsItsBurstThenAnswers429WithRetryAfter() {
    HttpResponse<String> first = as("rate-key-1", "/p/open");
    assertEquals(200, first.statusCode(), first::body);
    assertRateLimit(first, "2", "1", "1000"); // one token missing, refilled at 0.001/s
    assertRateLimit(as("rate-key-1", "/p/open"), "2", "0", "2000");

    HttpResponse<String> refused = as("rate-key-1", "/p/open");
    assertGatewayError(refused, 429, "Too Many Requests");
    assertEquals("1000", header(refused, "Retry-After"));
    assertRateLimit(refused, "2", "0", "1000");
  }

  @Test
  void eachKeyOfAPlanHasABucketOfItsOwn() {
    assertEquals(200, as("rate-key-2", "/p/open").statusCode());
    assertEquals(200, as("rate-key-2", "/p/open").statusCode());
    assertEquals(429, as("rate-key-2", "/p/open").statusCode());

    HttpResponse<String> other = as("rate-key-3", "/p/open");
    assertEquals(200, other.statusCode(), other::body);
    assertRateLimit(other, "2", "1", "1000");
  }

  @Test
  void aPlansQuotaAdmitsItsLimitPerCalendarDayThenAnswers429UntilMidnightUtc() {
    HttpResponse<String> first = as("quota-key-1", "/p/open");
    assertEquals(200, first.statusCode(), first::body);
    assertEquals("2", header(first, "RateLimit-Limit"));
    assertEquals("1", header(first, "RateLimit-Remaining"));
    assertAboutMidnight(header(first, "RateLimit-Reset"));
    assertEquals(200, as("quota-key-1", "/p/open").statusCode());

    HttpResponse<String> refused = as("quota-key-1", "/p/open");
    assertGatewayError(refused, 429, "Too Many Requests");
    assertEquals("2", header(refused, "RateLimit-Limit"));
    assertEquals("0", header(refused, "RateLimit-Remaining"));
    assertAboutMidnight(header(refused, "Retry-After"));
  }

  @Test
  void aRequestOverTheQuotaGivesItsTokenBackToTheBucket() {
    // burst 2, quota 1: the first request takes a token and the quota's only count
    HttpResponse<String> first = as("both-key-1", "/p/open");
    assertEquals(200, first.statusCode(), first::body);
    assertEquals("1", header(first, "RateLimit-Limit"), "the quota has less left than the bucket: it speaks");
    assertEquals("0", header(first, "RateLimit-Remaining"));

    // were the tokens of refused requests kept, the third request would find the bucket empty
    // and be refused by it (limit 2, retry in 1000 s) instead of by the quota
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> refused = as("both-key-1", "/p/open");
      assertEquals(429, refused.statusCode());
      assertEquals("1", header(refused, "RateLimit-Limit"), "refused by the quota, not the bucket: " + i);
      assertAboutMidnight(header(refused, "Retry-After"));
    }
  }

  @Test
  void aLaterThrottlersRejectionGivesBackWhatThePlanTook() {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> refused = as("tight-key-1", "/p/refused");
      assertGatewayError(refused, 429, "Too Many Requests");
      assertEquals("3", header(refused, "RateLimit-Limit"), "the route's throttler refused");
    }

    HttpResponse<String> admitted = as("tight-key-1", "/p/open");
    assertEquals(200, admitted.statusCode(), "the plan's only token and count were given back: " + admitted.body());
    assertEquals(429, as("tight-key-1", "/p/open").statusCode());
  }

  @Test
  void aPlanWithNeitherThrottleNorQuotaLimitsNothing() {
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = as("unlimited-key-1", "/p/open");
      assertEquals(200, r.statusCode(), r::body);
      assertFalse(r.headers().firstValue("RateLimit-Limit").isPresent(), () -> r.headers().map().toString());
    }
  }
}
