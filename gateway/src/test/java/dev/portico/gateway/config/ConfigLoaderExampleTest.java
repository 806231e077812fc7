package dev.portico.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.QuotaPeriod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The complete example of docs/CONFIGURATION.md (section 3), and {@code ${env:...}} substitution. */
class ConfigLoaderExampleTest {

  static final String FULL_EXAMPLE = """
      server:
        port: 8080
        host: 0.0.0.0
        instances: 0              # event-loop verticles; 0 = one per core
        maxHeaderSize: 8KB        # larger -> 431
        maxBodySize: 10MB         # larger -> 413
        drainTimeout: 10s
      admin:
        port: 9876
        host: 127.0.0.1           # loopback unless told otherwise
        token: ${env:PORTICO_ADMIN_TOKEN:-}   # empty: only /health, /ready, /metrics answer
      counters:
        store: local              # local | hazelcast | redis; when absent: local, or hazelcast with --cluster
        redis: { endpoint: "redis://127.0.0.1:6379" }
        onStoreFailure: allow     # allow | deny  (what a throttler does when the store is unreachable)
      plugins:
        dir: plugins
      apis:
        - name: petstore
          basePath: /petstore
          stages:                 # '$default' is served at the root; others under /<stage>
            $default: { variables: { backend: "http://127.0.0.1:9000" } }
            beta:     { variables: { backend: "http://127.0.0.1:9001" } }
          policies:               # apply to every route of the API, before the route's own
            - api-key: {}
          routes:
            - path: /pets/{id}            # {name} one segment; {name+} the rest of the path
              methods: [GET]              # omitted = any method
              integration:
                type: http                # http | mock
                uri: "${stage.backend}/pets/{id}"
                timeout: 29s
              policies:
                - jwt: { issuer: "https://id.example.com", audience: "pets", jwksUri: "https://id.example.com/jwks" }
                - rate-limit: { rate: 100, burst: 200, per: principal }
                - headers: { request: { set: { X-User: "${principal.sub}" } } }
            - path: /health
              integration: { type: mock, status: 200, body: { ok: true } }
      usagePlans:
        - name: gold
          throttle: { rate: 50, burst: 100 }
          quota: { limit: 100000, period: DAY }
          keys: [ { id: partner-a, value: "${env:PARTNER_A_KEY}" } ]
      """;

  private static final Path BASE = Path.of("/etc/portico");

  @Test
  void theFullExampleLoadsIntoTheRecords() {
    LoadResult result = TestPolicies.loader(Map.of("PARTNER_A_KEY", "s3cret-a")).parse(FULL_EXAMPLE, BASE);

    assertEquals(List.of(), result.problems());
    assertTrue(result.ok());
    GatewayConfig config = result.config();
    assertEquals(BASE, config.baseDir());

    ServerSettings server = config.server();
    assertEquals(8080, server.port());
    assertEquals("0.0.0.0", server.host());
    assertEquals(0, server.instances());
    assertEquals(8 * 1024, server.maxHeaderSize());
    assertEquals(10 * 1024 * 1024, server.maxBodySize());
    assertEquals(Duration.ofSeconds(10), server.drainTimeout());
    assertEquals(List.of(), server.trustedProxies());
    assertNull(server.tls());
    assertTrue(server.accessLog());

    assertEquals(new AdminSettings(9876, "127.0.0.1", ""), config.admin());
    assertEquals(new CounterSettings("local", "redis://127.0.0.1:6379", false, CounterSettings.DEFAULT_TIMEOUT), config.counters());
    assertEquals(Path.of("plugins"), config.plugins().dir());

    assertEquals(1, config.apis().size());
    ApiDefinition api = config.apis().get(0);
    assertEquals("petstore", api.name());
    assertEquals("/petstore", api.basePath());
    assertEquals(List.of("$default", "beta"), List.copyOf(api.stages().keySet()));
    assertEquals(Map.of("backend", "http://127.0.0.1:9001"), api.stages().get("beta").variables());
    assertEquals(1, api.policies().size());
    assertEquals("api-key", api.policies().get(0).name());
    assertEquals("apis[0].policies[0]", api.policies().get(0).configPath());
    assertEquals(new TestPolicies.ApiKeyConfig("X-API-Key"), api.policies().get(0).bound());

    RouteDefinition pets = api.routes().get(0);
    assertEquals("/pets/{id}", pets.path());
    assertEquals(Set.of("GET"), pets.methods());
    assertEquals("apis[0].routes[0]", pets.configPath());
    assertEquals(IntegrationDefinition.Type.HTTP, pets.integration().type());
    assertEquals("${stage.backend}/pets/{id}", pets.integration().uri());
    assertEquals(Duration.ofSeconds(29), pets.integration().timeout());
    assertEquals(List.of("jwt", "rate-limit", "headers"), pets.policies().stream().map(PolicyRef::name).toList());
    PolicyRef rateLimit = pets.policies().get(1);
    assertEquals(new TestPolicies.RateLimitConfig(100, 200, "principal"), rateLimit.bound());
    assertEquals("apis[0].routes[0].policies[1]", rateLimit.configPath());
    assertEquals(new JsonObject().put("rate", 100).put("burst", 200).put("per", "principal"), rateLimit.config());
    TestPolicies.JwtConfig jwt = (TestPolicies.JwtConfig) pets.policies().get(0).bound();
    assertEquals(List.of("pets"), jwt.audience());
    TestPolicies.HeadersConfig headers = (TestPolicies.HeadersConfig) pets.policies().get(2).bound();
    assertEquals(Map.of("X-User", "${principal.sub}"), headers.request().set(), "non-env placeholders are left for the templates");

    RouteDefinition health = api.routes().get(1);
    assertEquals(Set.of(), health.methods());
    assertEquals(IntegrationDefinition.Type.MOCK, health.integration().type());
    assertEquals(200, health.integration().status());
    assertEquals(new JsonObject().put("ok", true), health.integration().body());

    UsagePlan gold = config.usagePlans().get(0);
    assertEquals("gold", gold.name());
    assertEquals(new UsagePlan.Throttle(50, 100), gold.throttle());
    assertEquals(new UsagePlan.Quota(100000, QuotaPeriod.DAY), gold.quota());
    assertEquals(List.of(new UsagePlan.Key("partner-a", "s3cret-a")), gold.keys());
  }

  @Test
  void setEnvironmentVariableReplacesItsDefault() {
    LoadResult result = TestPolicies.loader(Map.of("PARTNER_A_KEY", "k", "PORTICO_ADMIN_TOKEN", "t0ken"))
        .parse(FULL_EXAMPLE, BASE);

    assertEquals("t0ken", result.config().admin().token());
  }

  @Test
  void unsetEnvironmentVariableIsReportedWithItsPath() {
    LoadResult result = TestPolicies.loader(Map.of()).parse(FULL_EXAMPLE, BASE);

    assertFalse(result.ok());
    assertNull(result.config());
    assertEquals(List.of("usagePlans[0].keys[0].value: environment variable PARTNER_A_KEY is not set"), result.problems());
  }

  @Test
  void defaultAppliesWhenTheVariableIsUnsetOrEmpty() {
    String yaml = """
        admin: { host: "${env:ADMIN_HOST:-127.0.0.2}", token: "${env:TOKEN:-none}" }
        """;

    GatewayConfig config = TestPolicies.loader(Map.of("TOKEN", "")).parse(yaml, BASE).config();

    assertEquals("127.0.0.2", config.admin().host());
    assertEquals("none", config.admin().token());
  }

  @Test
  void referencesAreSubstitutedInsideLongerStringsAndNumbersReadFromThem() {
    String yaml = """
        server: { port: "${env:PORT}", host: "10.0.${env:SUBNET}.1" }
        apis:
          - name: a
            stages: { $default: { variables: { backend: "http://${env:BACKEND_HOST:-localhost}:9000" } } }
            routes:
              - path: /x
                integration: { uri: "${stage.backend}/x" }
        """;

    GatewayConfig config = TestPolicies.loader(Map.of("PORT", "8443", "SUBNET", "7")).parse(yaml, BASE).config();

    assertEquals(8443, config.server().port());
    assertEquals("10.0.7.1", config.server().host());
    assertEquals("http://localhost:9000", config.apis().get(0).stages().get("$default").variables().get("backend"));
    assertEquals("${stage.backend}/x", config.apis().get(0).routes().get(0).integration().uri());
  }

  @Test
  void anUnsetVariableIsOneProblemNotAlsoTheBadValueItLeaves() {
    String yaml = """
        server: { port: "${env:PORT}" }
        apis:
          - name: a
            routes:
              - path: /x
                integration: { uri: "${env:BACKEND}/x" }
                policies:
                  - rate-limit: { rate: "${env:RATE}" }
        """;

    LoadResult result = TestPolicies.loader(Map.of()).parse(yaml, BASE);

    assertEquals(List.of(
        "server.port: environment variable PORT is not set",
        "apis[0].routes[0].integration.uri: environment variable BACKEND is not set",
        "apis[0].routes[0].policies[0].rate-limit.rate: environment variable RATE is not set"), result.problems());
  }

  @Test
  void malformedEnvironmentReferenceIsReported() {
    String yaml = """
        admin: { token: "${env:1TOKEN}" }
        """;

    LoadResult result = TestPolicies.loader(Map.of()).parse(yaml, BASE);

    assertEquals(List.of("admin.token: '${env:1TOKEN}' is not a valid reference (write ${env:NAME} or ${env:NAME:-default})"),
        result.problems());
  }

  @Test
  void keysAreNotSubstituted() {
    String yaml = """
        apis:
          - name: a
            routes:
              - path: /x
                integration: { type: mock, headers: { "${env:H}": v } }
        """;

    LoadResult result = TestPolicies.loader(Map.of("H", "X-Real")).parse(yaml, BASE);

    assertEquals(Map.of("${env:H}", "v"), result.config().apis().get(0).routes().get(0).integration().headers());
  }
}
