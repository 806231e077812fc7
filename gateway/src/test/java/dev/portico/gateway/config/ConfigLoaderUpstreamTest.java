package dev.portico.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.UpstreamDefinition.Balance;
import dev.portico.gateway.testing.ConfigurationDocs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code upstreams:} and the {@code lb://NAME} integration URIs that use them. */
class ConfigLoaderUpstreamTest {

  @TempDir
  Path dir;

  private LoadResult parse(String yaml) {
    return TestPolicies.loader(Map.of()).parse(yaml, dir);
  }

  private List<String> problems(String yaml) {
    return parse(yaml).problems();
  }

  @Test
  void anUpstreamWithOnlyTargetsTakesEveryDefault() {
    LoadResult r = parse("""
        upstreams:
          - name: pets
            targets:
              - { url: "http://127.0.0.1:9001" }
              - "http://127.0.0.1:9002/"
        """);
    assertEquals(List.of(), r.problems());
    UpstreamDefinition u = r.config().upstreams().get(0);
    assertEquals("pets", u.name());
    assertEquals(List.of(new UpstreamDefinition.Target("http://127.0.0.1:9001", "http", "127.0.0.1", 9001, 100),
        new UpstreamDefinition.Target("http://127.0.0.1:9002", "http", "127.0.0.1", 9002, 100)), u.targets());
    assertEquals(Balance.ROUND_ROBIN, u.balance());
    assertEquals(256, u.maxConnectionsPerTarget());
    assertNull(u.active(), "active checks are off unless asked for");
    assertEquals(new UpstreamDefinition.PassiveChecks(5, Duration.ofSeconds(30), 50), u.passive(), "passive checks are on");
    assertNull(u.retries(), "nothing is retried unless asked for");
    assertNull(u.circuitBreaker());
  }

  @Test
  void everySectionTakesTheDocumentedDefaultsForWhatItLeavesOut() {
    LoadResult r = parse("""
        upstreams:
          - name: pets
            targets: ["http://a:1"]
            healthChecks: { active: {}, passive: false }
            retries: {}
            circuitBreaker: {}
        """);
    assertEquals(List.of(), r.problems());
    UpstreamDefinition u = r.config().upstreams().get(0);
    assertEquals(new UpstreamDefinition.ActiveChecks("/health", Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3,
        List.of(new UpstreamDefinition.StatusRange(200, 399))), u.active());
    assertNull(u.passive());
    assertEquals(new UpstreamDefinition.Retries(2, Set.of("connect-failure", "reset", "502", "503", "504"), null,
        Duration.ofMillis(25), 64 * 1024), u.retries());
    assertEquals(new UpstreamDefinition.Breaker(0.5, 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 5),
        u.circuitBreaker());
  }

  @Test
  void theContractsExampleLoads() {
    LoadResult r = parse("""
        upstreams:
          - name: pets
            targets:
              - { url: "http://127.0.0.1:9001", weight: 100 }
              - { url: "http://127.0.0.1:9002" }
            balance: hash
            hashOn: "${request.header.X-User}"
            maxConnectionsPerTarget: 256
            healthChecks:
              active:  { path: /health, interval: 5s, timeout: 1s, healthyAfter: 2, unhealthyAfter: 3, statuses: [200-399] }
              passive: { unhealthyAfter: 5, ejectFor: 30s, maxEjectedPercent: 50 }
            retries: { count: 2, on: [connect-failure, reset, 502, 503, 504], perTryTimeout: 2s, backoff: 25ms, maxBodySize: 64KB }
            circuitBreaker: { failureRate: 50%, minRequests: 20, window: 10s, openFor: 30s, halfOpenRequests: 5 }
        apis:
          - name: petstore
            basePath: /petstore
            routes:
              - path: /pets/{id}
                integration: { type: http, uri: "lb://pets/pets/{id}", timeout: 29s, idleTimeout: 60s }
        """);
    assertEquals(List.of(), r.problems());
    assertEquals(Duration.ofSeconds(2), r.config().upstreams().get(0).retries().perTryTimeout());
    assertEquals("${request.header.X-User}", r.config().upstreams().get(0).hashOn());
  }

  @Test
  void theExamplesOfTheUpstreamsDocsLoad() {
    List<String> blocks = ConfigurationDocs.yamlBlocks("## 10a.");
    assertEquals(1, blocks.size());
    for (String yaml : blocks) {
      assertEquals(List.of(), problems(yaml), yaml);
    }
  }

  @Test
  void badValuesAreReportedAtTheirPaths() {
    assertEquals(List.of(
        "upstreams[0].targets[0].url: must be only scheme, host and port: the path comes from the integration's lb:// uri (was 'http://a:1/x')",
        "upstreams[0].targets[1].weight: must be a whole number from 0 to 65535 (was '-1')",
        "upstreams[0].targets[2].url: must be an http or https URL with a host, such as http://10.0.0.5:8080 (was 'ftp://b')",
        "upstreams[0].balance: must be one of round-robin, least-requests, random, hash (was 'fastest')",
        "upstreams[0].healthChecks.passive.maxEjectedPercent: must be a whole number from 0 to 100 (was '150')",
        "upstreams[0].retries.on[1]: must be connect-failure, reset or a 5xx status such as 503 (was '404')",
        "upstreams[0].circuitBreaker.failureRate: must be a percentage above 0 and up to 100%, such as 50% (was '0%')",
        "upstreams[0].colour: unknown key"), problems("""
        upstreams:
          - name: pets
            targets:
              - "http://a:1/x"
              - { url: "http://a:2", weight: -1 }
              - "ftp://b"
            balance: fastest
            healthChecks: { passive: { maxEjectedPercent: 150 } }
            retries: { on: [reset, 404] }
            circuitBreaker: { failureRate: 0% }
            colour: blue
        """));
  }

  @Test
  void hashOnIsRequiredWithHashAndRefusedOtherwise() {
    assertEquals(List.of(
        "upstreams[0].hashOn: is required with balance: hash (a template such as ${request.header.X-User})",
        "upstreams[1].hashOn: applies only with balance: hash"), problems("""
        upstreams:
          - name: a
            targets: ["http://a:1"]
            balance: hash
          - name: b
            targets: ["http://a:1"]
            hashOn: "${request.header.X-User}"
        """));
  }

  @Test
  void namesAreUniqueAndTargetsAreNeeded() {
    assertEquals(List.of(
        "upstreams[0].targets: is required (at least one { url: \"http://host:port\" })",
        "upstreams[1].targets: must hold at least one target",
        "upstreams[1].name: duplicate upstream name 'a' (first at upstreams[0])",
        "upstreams[2].targets[1].url: the same target is listed twice: http://a:1"), problems("""
        upstreams:
          - name: a
          - name: a
            targets: []
          - name: c
            targets: ["http://a:1", "http://a:1/"]
        """));
  }

  @Test
  void anUnknownUpstreamIsAnErrorAtTheIntegrationThatNamesIt() {
    assertEquals(List.of(
        "apis[0].routes[0].integration.uri: unknown upstream 'cats' in 'lb://cats/x' (upstreams: pets)",
        "apis[0].routes[1].integration.uri: for stage 'beta': unknown upstream 'dogs' in 'lb://dogs/y' (upstreams: pets)"),
        problems("""
        upstreams:
          - name: pets
            targets: ["http://a:1"]
        apis:
          - name: a
            stages:
              $default: { variables: { pool: "lb://pets" } }
              beta: { variables: { pool: "lb://dogs" } }
            routes:
              - path: /x
                integration: { uri: "lb://cats/x" }
              - path: /y
                integration: { uri: "${stage.pool}/y" }
        """));
  }

  @Test
  void idleTimeoutMustBePositive() {
    assertEquals(List.of("apis[0].routes[0].integration.idleTimeout: must be more than 0"), problems("""
        apis:
          - name: a
            routes:
              - path: /x
                integration: { uri: "http://a:1/x", idleTimeout: 0s }
        """));
  }

  @Test
  void theAdminApiChecksLbUrisAgainstTheNodesUpstreams() {
    List<String> problems = new java.util.ArrayList<>();
    TestPolicies.loader(Map.of()).bindApi(new io.vertx.core.json.JsonObject("""
        {"name": "a", "routes": [{"path": "/x", "integration": {"uri": "lb://pets/x"}}]}
        """), "", dir, Set.of(), problems);
    assertEquals(List.of("routes[0].integration.uri: unknown upstream 'pets' in 'lb://pets/x' (no upstreams are configured)"),
        problems);
    problems.clear();
    TestPolicies.loader(Map.of()).bindApi(new io.vertx.core.json.JsonObject("""
        {"name": "a", "routes": [{"path": "/x", "integration": {"uri": "lb://pets/x"}}]}
        """), "", dir, Set.of("pets"), problems);
    assertTrue(problems.isEmpty(), problems.toString());
  }
}
