package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.ScriptedPolicies.BREAK;
import static dev.portico.gateway.pipeline.ScriptedPolicies.DENY;
import static dev.portico.gateway.pipeline.Wire.assertGatewayError;
import static dev.portico.gateway.pipeline.Wire.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.pipeline.ScriptedPolicies.Journal;
import dev.portico.gateway.pipeline.ScriptedPolicies.ScriptedThrottler;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Throttlers (docs/CONFIGURATION.md): {@code RateLimit-*} from the most restrictive
 * decision on every response of a throttled route, 429 with {@code Retry-After} on rejection,
 * what earlier throttlers took given back when a later one refuses, and
 * {@code counters.onStoreFailure}.
 */
class PolicyThrottlingTest {

  private static final Journal journal = new Journal();
  private static final ScriptedThrottler throttlers = new ScriptedThrottler(journal);
  private static final ScriptedThrottler denyingGatewaysThrottlers = new ScriptedThrottler(journal);
  private static Backend backend;
  /** {@code counters.onStoreFailure} left at its default, {@code allow}. */
  private static TestGateway gw;
  /** {@code counters.onStoreFailure: deny}. */
  private static TestGateway denying;

  private static final String ROUTES = """
          routes:
            - path: /limited
              integration: { type: http, uri: "%1$s/limited" }
              policies:
                - test-throttle: { tag: loose%2$s, limit: 10, remaining: 7, reset: 3s }
                - test-throttle: { tag: tight%2$s, limit: 5, remaining: 2, reset: 60s }
                - trace: { tag: tx }
            - path: /dead-backend
              integration: { type: http, uri: "http://127.0.0.1:%3$d/nothing-listens" }
              policies:
                - test-throttle: { tag: loose%2$s, limit: 10, remaining: 7, reset: 3s }
                - test-throttle: { tag: tight%2$s, limit: 5, remaining: 2, reset: 60s }
            - path: /rejecting
              integration: { type: http, uri: "%1$s/rejecting" }
              policies:
                - test-throttle: { tag: first%2$s, limit: 10, remaining: 9 }
                - test-throttle: { tag: refuser%2$s, limit: 3, reset: 2500ms, reject: true }
            - path: /bucket-then-refuser
              integration: { type: http, uri: "%1$s/bucket" }
              policies:
                - test-bucket: { key: shared, burst: 1 }
                - test-throttle: { tag: refuser%2$s, limit: 3, reset: 2500ms, reject: true }
            - path: /bucket
              integration: { type: http, uri: "%1$s/bucket" }
              policies:
                - test-bucket: { key: shared, burst: 1 }
      """;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    int deadPort = TestGateway.freePort();
    gw = TestGateway.start("""
        apis:
          - name: throttled
            basePath: /t
        """ + ROUTES.formatted(backend.url(), "", deadPort),
        throttlers, new ScriptedPolicies.CounterStoreThrottler(), new ScriptedPolicies.TracingTransformer(journal));
    denying = TestGateway.start("""
        counters: { onStoreFailure: deny }
        apis:
          - name: throttled
            basePath: /t
        """ + ROUTES.formatted(backend.url(), "-d", deadPort),
        denyingGatewaysThrottlers, new ScriptedPolicies.CounterStoreThrottler(),
        new ScriptedPolicies.TracingTransformer(journal));
  }

  @AfterAll
  static void stop() {
    gw.close();
    denying.close();
    backend.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    journal.clear();
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  private static void assertRateLimit(HttpResponse<String> response, String limit, String remaining, String reset) {
    String context = response.statusCode() + " " + response.headers().map();
    assertEquals(limit, response.headers().firstValue("RateLimit-Limit").orElse(null), context);
    assertEquals(remaining, response.headers().firstValue("RateLimit-Remaining").orElse(null), context);
    assertEquals(reset, response.headers().firstValue("RateLimit-Reset").orElse(null), context);
  }

  @Test
  void rateLimitHeadersComeFromTheMostRestrictiveDecision() {
    HttpResponse<String> response = get(gw, "/t/limited");

    assertEquals(200, response.statusCode(), response::body);
    assertRateLimit(response, "5", "2", "60");
    backend.nextRequest();
  }

  @Test
  void rateLimitHeadersAreOnTheGatewaysOwnErrorsOfAThrottledRouteToo() {
    HttpResponse<String> badGateway = get(gw, "/t/dead-backend");
    assertGatewayError(badGateway, 502, null);
    assertRateLimit(badGateway, "5", "2", "60");

    HttpResponse<String> badRequest = get(gw, "/t/limited", DENY, "onRequest:400");
    assertGatewayError(badRequest, 400, "denied by tx");
    assertRateLimit(badRequest, "5", "2", "60");

    HttpResponse<String> replaced = get(gw, "/t/limited", DENY, "onResponse:400");
    assertGatewayError(replaced, 400, "denied by tx");
    assertRateLimit(replaced, "5", "2", "60");
    backend.nextRequest();
  }

  @Test
  void aRejectingThrottlerAnswers429WithRetryAfterAndItsNumbers() {
    HttpResponse<String> response = get(gw, "/t/rejecting");

    assertGatewayError(response, 429, "Too Many Requests");
    assertEquals("3", response.headers().firstValue("Retry-After").orElse(null));
    assertRateLimit(response, "3", "0", "3");
    assertEquals(0, backend.pending());
  }

  @Test
  void laterThrottlerRejectionRefundsEarlierOnes() {
    long before = throttlers.taken("first");
    for (int i = 0; i < 3; i++) {
      assertEquals(429, get(gw, "/t/rejecting").statusCode());
    }

    assertEquals(before, throttlers.taken("first"));
    assertEquals(3, journal.count("refund:first"), journal.events()::toString);
  }

  @Test
  void laterThrottlerRejectionGivesTheTokenBackToTheGatewaysCounterStore() {
    // a bucket of one token that never refills, shared by both routes
    for (int i = 0; i < 3; i++) {
      assertEquals(429, get(gw, "/t/bucket-then-refuser").statusCode());
    }

    HttpResponse<String> first = get(gw, "/t/bucket");
    assertEquals(200, first.statusCode(), "the refused requests kept the only token: " + first.body());
    assertRateLimit(first, "1", "0", "1000");
    backend.nextRequest();
    assertEquals(429, get(gw, "/t/bucket").statusCode(), "the bucket holds one token");
  }

  @Test
  void aLaterThrottlerFailingRefundsEarlierOnes() {
    long before = throttlers.taken("loose");
    HttpResponse<String> response = get(gw, "/t/limited", BREAK, "throttle@tight:throw");

    assertGatewayError(response, 500, "Internal Server Error");
    assertEquals(before, throttlers.taken("loose"));
    assertEquals(List.of("throttle:loose", "throttle:tight", "refund:loose"),
        journal.events().stream().filter(e -> e.startsWith("throttle:") || e.startsWith("refund:")).toList());
  }

  @Test
  void aThrottlerFailingWithARejectionDeniesEvenWhenStoreFailuresAreAllowed() {
    long before = throttlers.taken("loose");
    HttpResponse<String> response = get(gw, "/t/limited", DENY, "throttle@tight:429");

    assertGatewayError(response, 429, "denied by tight");
    assertEquals(before, throttlers.taken("loose"));
    assertEquals(0, backend.pending());
  }

  @Test
  void anUnreachableStoreAdmitsWithOnStoreFailureAllow() {
    HttpResponse<String> response = get(gw, "/t/limited", BREAK, "throttle@tight:fail");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("/limited", backend.nextRequest().uri());
    assertRateLimit(response, "10", "7", "3"); // the only decision made
  }

  @Test
  void anUnreachableStoreIs503WithOnStoreFailureDenyAndRefundsEarlierThrottlers() {
    long before = denyingGatewaysThrottlers.taken("loose-d");
    HttpResponse<String> response = get(denying, "/t/limited", BREAK, "throttle@tight-d:fail");

    assertGatewayError(response, 503, "Service Unavailable");
    assertEquals(0, backend.pending());
    assertEquals(before, denyingGatewaysThrottlers.taken("loose-d"));
    assertTrue(journal.events().contains("refund:loose-d"), journal.events()::toString);
  }
}
