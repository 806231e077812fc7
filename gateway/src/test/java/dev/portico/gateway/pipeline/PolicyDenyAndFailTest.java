package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.ScriptedPolicies.BREAK;
import static dev.portico.gateway.pipeline.ScriptedPolicies.DENY;
import static dev.portico.gateway.pipeline.Wire.assertGatewayError;
import static dev.portico.gateway.pipeline.Wire.get;
import static dev.portico.gateway.pipeline.Wire.send;
import static dev.portico.gateway.pipeline.Wire.to;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.pipeline.ScriptedPolicies.Journal;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A policy denying a request (a {@link dev.portico.spi.Rejection}: an expected outcome, answered
 * with its status) versus a policy failing (a bug: 500, logged with the plugin's name), and the
 * gateway serving on after a failure.
 */
class PolicyDenyAndFailTest {

  private static final Journal journal = new Journal();
  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    gw = TestGateway.start("""
        apis:
          - name: guarded
            basePath: /guarded
            routes:
              - path: /things
                integration: { type: http, uri: "%1$s/things" }
                policies:
                  - test-auth: { tag: auth }
                  - test-throttle: { tag: limit, limit: 100, remaining: 99 }
                  - trace: { tag: tx }
              - path: /other
                integration: { type: mock, status: 200, body: { ok: true } }
              - path: /buffered
                integration: { type: http, uri: "%1$s/buffered" }
                policies:
                  - body-rewrite: { responseLimit: 1KB }
                  - trace: { tag: tx }
        """.formatted(backend.url()),
        new ScriptedPolicies.ScriptedAuthorizer(journal), new ScriptedPolicies.ScriptedThrottler(journal),
        new ScriptedPolicies.TracingTransformer(journal), new ScriptedPolicies.BodyRewriter());
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    journal.clear();
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  private static HttpResponse<String> postThings(String... headers) {
    HttpRequest.Builder request = to(gw, "/guarded/things").POST(BodyPublishers.ofString("a small body"));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  @Test
  void anAuthorizerRejecting401AnswersItsMessageAndChallengeAsJsonAndLogsNothingAlarming() {
    try (LogCapture logs = LogCapture.capture()) {
      HttpResponse<String> response = get(gw, "/guarded/things", DENY, "authorize:401");

      assertGatewayError(response, 401, "denied by auth");
      assertEquals("Test realm=\"portico\"", response.headers().firstValue("WWW-Authenticate").orElse(null));
      assertEquals(List.of(), logs.alarms());
      assertEquals(0, backend.pending());
    }
  }

  @ParameterizedTest(name = "{0} denying with {1}")
  @CsvSource({"authorize, 403", "onMatch, 403", "onRequest, 400", "onResponse, 400", "onRequest, 451"})
  void aRejectionAnswersItsStatusAndMessageAsJsonAndLogsNothingAlarming(String hook, int status) {
    try (LogCapture logs = LogCapture.capture()) {
      HttpResponse<String> response = get(gw, "/guarded/things", DENY, hook + ":" + status);

      String who = hook.equals("authorize") ? "auth" : "tx";
      assertGatewayError(response, status, "denied by " + who);
      assertEquals(List.of(), logs.alarms());
      if (hook.equals("onResponse")) {
        backend.nextRequest(); // the backend answered; the rejection replaced its response
      } else {
        assertEquals(0, backend.pending());
      }
    }
  }

  @Test
  void aResponseTransformerRejectingAfterTheBackendsBodyWasBufferedStillAnswers() {
    try (LogCapture logs = LogCapture.capture()) {
      HttpResponse<String> response = get(gw, "/guarded/buffered", DENY, "onResponse:400");

      assertGatewayError(response, 400, "denied by tx");
      assertEquals(List.of(), logs.alarms());
      backend.nextRequest(); // the backend answered in full; the rejection replaced its response
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "authorize, fail, test-auth, 0", "authorize, throw, test-auth, 0", "authorize, null, test-auth, 0",
      "throttle, throw, test-throttle, 1", "throttle, null, test-throttle, 1", "throttle, null-decision, test-throttle, 1",
      "onMatch, fail, trace, 2", "onMatch, throw, trace, 2", "onMatch, null, trace, 2",
      "requestBodyLimit, throw, trace, 2",
      "onRequest, fail, trace, 2", "onRequest, throw, trace, 2", "onRequest, null, trace, 2",
      "responseBodyLimit, throw, trace, 2",
      "onResponse, fail, trace, 2", "onResponse, throw, trace, 2", "onResponse, null, trace, 2"})
  void aHookThatFailsThrowsOrReturnsNullIs500LoggedWithThePluginAndTheGatewayServesOn(
      String hook, String how, String plugin, int index) {
    try (LogCapture logs = LogCapture.capture()) {
      HttpResponse<String> broken = postThings(BREAK, hook + ":" + how);

      assertGatewayError(broken, 500, "Internal Server Error");
      List<String> errors = logs.errors();
      assertEquals(1, errors.size(), errors::toString);
      assertTrue(errors.get(0).contains("plugin '" + plugin + "' (apis[0].routes[0].policies[" + index + "])"),
          errors::toString);
    }

    // the same route, and another one, serve the next requests
    HttpResponse<String> sameRoute = postThings();
    assertEquals(200, sameRoute.statusCode(), sameRoute::body);
    HttpResponse<String> otherRoute = get(gw, "/guarded/other");
    assertEquals(200, otherRoute.statusCode(), otherRoute::body);
    assertEquals("{\"ok\":true}", otherRoute.body());
  }
}
