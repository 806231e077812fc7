package dev.portico.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Fleet;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How an upstream spreads requests over three real backends: weights, drained targets, hashing. */
class UpstreamBalancingTest {

  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Fleet fleet;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    fleet = Fleet.start(4);
    gw = TestGateway.start("""
        upstreams:
          - name: weighted
            targets:
              - { url: "%1$s", weight: 300 }
              - { url: "%2$s", weight: 200 }
              - { url: "%3$s", weight: 100 }
              - { url: "%4$s", weight: 0 }
          - name: hashed
            targets: ["%1$s", "%2$s", "%3$s"]
            balance: hash
            hashOn: "${request.header.X-User}"
          - name: least
            targets: ["%1$s", "%2$s", "%3$s"]
            balance: least-requests
          - name: random
            targets: ["%1$s", "%2$s", "%3$s"]
            balance: random
        apis:
          - name: lb
            basePath: /lb
            stages:
              $default: { variables: { pool: "lb://least" } }
            routes:
              - path: /weighted/{rest+}
                integration: { type: http, uri: "lb://weighted/{rest}" }
              - path: /hashed
                integration: { type: http, uri: "lb://hashed/h" }
              - path: /through-stage
                integration: { type: http, uri: "${stage.pool}/s" }
              - path: /random
                integration: { type: http, uri: "lb://random/r" }
        """.formatted(fleet.url(0), fleet.url(1), fleet.url(2), fleet.url(3)));
  }

  @AfterAll
  static void stop() {
    gw.close();
    fleet.close();
  }

  @BeforeEach
  void clearCounts() {
    fleet.resetCounts();
  }

  @Test
  void weightedRoundRobinGivesEachTargetItsShareOfEveryCycle() throws Exception {
    // weights 300:200:100:0 -> a cycle of 6 requests: 3, 2, 1 and none for the drained target
    for (int cycle = 1; cycle <= 3; cycle++) {
      for (int i = 0; i < 6; i++) {
        assertEquals(200, get("/lb/weighted/a/b", Map.of()).statusCode());
      }
      assertEquals(3 * cycle, fleet.count(0), "cycle " + cycle);
      assertEquals(2 * cycle, fleet.count(1), "cycle " + cycle);
      assertEquals(cycle, fleet.count(2), "cycle " + cycle);
      assertEquals(0, fleet.count(3), "a target of weight 0 got traffic");
    }
  }

  @Test
  void theUpstreamPathIsTheIntegrationsWithTheRoutesParameters() throws Exception {
    HttpResponse<String> r = get("/lb/weighted/x/y?q=1", Map.of());
    assertEquals(200, r.statusCode());
    assertTrue(r.body().matches("t[0-2]"), r.body());
  }

  @Test
  void hashingSendsEachKeyToOneTargetAlways() throws Exception {
    Map<String, String> first = new HashMap<>();
    for (int k = 0; k < 60; k++) {
      first.put("user-" + k, get("/lb/hashed", Map.of("X-User", "user-" + k)).body());
    }
    assertTrue(first.values().stream().distinct().count() == 3, "60 keys all went to " + first.values().stream().distinct().toList());
    for (int round = 0; round < 2; round++) {
      for (int k = 0; k < 60; k++) {
        assertEquals(first.get("user-" + k), get("/lb/hashed", Map.of("X-User", "user-" + k)).body(), "user-" + k);
      }
    }
  }

  @Test
  void anUpstreamMayBeNamedThroughAStageVariable() throws Exception {
    HttpResponse<String> r = get("/lb/through-stage", Map.of());
    assertEquals(200, r.statusCode());
    assertTrue(r.body().matches("t[0-2]"), r.body());
  }

  @Test
  void randomSpreadsOverEveryTarget() throws Exception {
    for (int i = 0; i < 90; i++) {
      assertEquals(200, get("/lb/random", Map.of()).statusCode());
    }
    for (int t = 0; t < 3; t++) {
      assertTrue(fleet.count(t) > 5, "target " + t + " got " + fleet.count(t) + " of 90");
    }
  }

  private static HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
