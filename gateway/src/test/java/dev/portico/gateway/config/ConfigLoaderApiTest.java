package dev.portico.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apis:}: names, base paths, stages, routes, integrations, policies and route conflicts. */
class ConfigLoaderApiTest {

  @TempDir
  Path dir;

  private LoadResult parse(String yaml) {
    return TestPolicies.loader(Map.of()).parse(yaml, dir);
  }

  private List<String> problems(String yaml) {
    return parse(yaml).problems();
  }

  /** An API named {@code a} with the given routes (YAML list items, indented for the routes: key). */
  private static String api(String routes) {
    return "apis:\n  - name: a\n    routes:\n" + routes.stripTrailing().indent(6);
  }

  private ApiDefinition onlyApi(String yaml) {
    LoadResult result = parse(yaml);
    assertEquals(List.of(), result.problems());
    return result.config().apis().get(0);
  }

  // --- the API itself

  @Test
  void apiNameIsRequiredWellFormedAndUnique() {
    String yaml = """
        apis:
          - basePath: /x
          - name: "pet store"
          - name: pets
          - name: pets
        """;

    assertEquals(List.of(
        "apis[0].name: is required",
        "apis[1].name: must be letters, digits, '.', '_' or '-' (was 'pet store')",
        "apis[3].name: duplicate API name 'pets' (first at apis[2])"), problems(yaml));
  }

  @Test
  void basePathIsNormalisedToALeadingSlashAndNoTrailingOne() {
    assertEquals("/petstore/v1", onlyApi("apis: [ { name: a, basePath: \"petstore/v1/\" } ]").basePath());
    assertEquals("", onlyApi("apis: [ { name: a, basePath: / } ]").basePath());
    assertEquals("", onlyApi("apis: [ { name: a } ]").basePath());
  }

  @Test
  void basePathIsLiteralSegmentsOnly() {
    assertEquals(List.of("apis[0].basePath: must be literal segments only, without {parameters} (was '/t/{tenant}')"),
        problems("apis: [ { name: a, basePath: \"/t/{tenant}\" } ]"));
    assertEquals(List.of("apis[0].basePath: has an empty segment ('//')"), problems("apis: [ { name: a, basePath: \"/a//b\" } ]"));
  }

  @Test
  void apiWithoutStagesHasOneDefaultStageWithNoVariables() {
    ApiDefinition api = onlyApi("apis: [ { name: a } ]");

    assertEquals(Map.of("$default", new StageDefinition("$default", Map.of())), api.stages());
  }

  @Test
  void stageNamesAndShapesAreChecked() {
    String yaml = """
        apis:
          - name: a
            stages:
              "be ta": {}
              prod: [x]
              dev:
              qa: { variables: { backend: "http://qa" }, vars: {} }
        """;

    assertEquals(List.of(
        "apis[0].stages.be ta: a stage name must be $default or letters, digits, '_' or '-'",
        "apis[0].stages.prod: must be a map (e.g. { variables: { backend: \"http://...\" } })",
        "apis[0].stages.qa.vars: unknown key"), problems(yaml));
  }

  // --- routes

  @Test
  void routeRecordsItsPathMethodsAndWhereItIs() {
    ApiDefinition api = onlyApi(api("""
        - path: /a
          integration: { type: mock }
        - path: /pets/{id}
          methods: [get, Post]
          integration: { type: mock }
        """));

    RouteDefinition route = api.routes().get(1);
    assertEquals("/pets/{id}", route.path());
    assertEquals(Set.of("GET", "POST"), route.methods());
    assertEquals("apis[0].routes[1]", route.configPath());
  }

  @Test
  void routePathProblemIsThePathTemplateMessage() {
    assertEquals(List.of(
        "apis[0].routes[0].path: must start with '/'",
        "apis[0].routes[1].path: a greedy parameter {rest+} must be the last segment",
        "apis[0].routes[2].path: is required"), problems(api("""
        - path: pets
          integration: { type: mock }
        - path: /files/{rest+}/meta
          integration: { type: mock }
        - integration: { type: mock }
        """)));
  }

  @Test
  void methodsMustBeKnownHttpMethods() {
    assertEquals(List.of(
        "apis[0].routes[0].methods[1]: unknown HTTP method 'FETCH' (leave methods out to allow any method)",
        "apis[0].routes[0].methods[2]: unknown HTTP method 'ANY' (leave methods out to allow any method)"), problems(api("""
        - path: /a
          methods: [GET, FETCH, ANY]
          integration: { type: mock }
        """)));
  }

  @Test
  void integrationIsRequired() {
    assertEquals(List.of("apis[0].routes[0].integration: is required"), problems(api("- path: /a")));
  }

  // --- integrations

  @Test
  void httpIntegrationDefaultsItsTimeout() {
    IntegrationDefinition integration = onlyApi(api("""
        - path: /a
          integration: { uri: "http://backend:9000/a" }
        """)).routes().get(0).integration();

    assertEquals(new IntegrationDefinition(IntegrationDefinition.Type.HTTP, "http://backend:9000/a", Duration.ofSeconds(29),
        Duration.ofSeconds(60), null, 0, Map.of(), null), integration);
  }

  @Test
  void httpIntegrationNeedsAUri() {
    assertEquals(List.of("apis[0].routes[0].integration.uri: is required"), problems(api("""
        - path: /a
          integration: { type: http, timeout: 5s }
        """)));
  }

  @Test
  void missingStageVariableIsReportedPerStage() {
    String yaml = """
        apis:
          - name: a
            stages:
              $default: { variables: { backend: "http://127.0.0.1:9000" } }
              beta: { variables: { other: "http://127.0.0.1:9001" } }
            routes:
              - path: /pets/{id}
                integration: { uri: "${stage.backend}/pets/{id}" }
        """;

    assertEquals(List.of("apis[0].routes[0].integration.uri: stage 'beta' has no variable 'backend'"), problems(yaml));
  }

  @Test
  void onlyStageVariablesMayBeUsedInAUri() {
    assertEquals(List.of(
        "apis[0].routes[0].integration.uri: ${request.header.Host} cannot be used here; an integration uri takes only ${stage.<variable>}"),
        problems(api("""
            - path: /a
              integration: { uri: "http://${request.header.Host}/a" }
            """)));
  }

  @Test
  void uriMustBeAnAbsoluteHttpUrlForEveryStage() {
    String yaml = """
        apis:
          - name: a
            stages:
              $default: { variables: { backend: "http://127.0.0.1:9000" } }
              beta: { variables: { backend: "127.0.0.1:9001" } }
            routes:
              - path: /a
                integration: { uri: "${stage.backend}/a" }
              - path: /b
                integration: { uri: "ftp://files/b" }
              - path: /c
                integration: { uri: "/c" }
        """;

    assertEquals(List.of(
        "apis[0].routes[0].integration.uri: for stage 'beta' it is '127.0.0.1:9001/a', which is not an absolute http or https URL with a host, or lb://<upstream>/path",
        "apis[0].routes[1].integration.uri: must be an absolute http or https URL with a host, or lb://<upstream>/path (was 'ftp://files/b')",
        "apis[0].routes[2].integration.uri: must be an absolute http or https URL with a host, or lb://<upstream>/path (was '/c')"), problems(yaml));
  }

  @Test
  void uriParametersMustBeParametersOfTheRoutePath() {
    assertEquals(List.of("apis[0].routes[0].integration.uri: {petId} is not a parameter of the route path /pets/{id}"),
        problems(api("""
            - path: /pets/{id}
              integration: { uri: "http://backend/pets/{petId}" }
            """)));
  }

  @Test
  void greedyParameterIsReferencedWithoutPlus() {
    ApiDefinition api = onlyApi(api("""
        - path: /files/{proxy+}
          integration: { uri: "http://backend/{proxy}?from={proxy}" }
        """));
    assertEquals("http://backend/{proxy}?from={proxy}", api.routes().get(0).integration().uri());

    assertEquals(List.of("apis[0].routes[0].integration.uri: {proxy+} must be written {proxy}: a greedy parameter is referenced without '+'"),
        problems(api("""
            - path: /files/{proxy+}
              integration: { uri: "http://backend/{proxy+}" }
            """)));
  }

  @Test
  void trustStoreMustBeAnExistingPemFile() throws IOException {
    Files.writeString(dir.resolve("ca.pem"), ConfigLoaderSectionsTest.PEM);

    IntegrationDefinition integration = onlyApi(api("""
        - path: /a
          integration: { uri: "https://backend/a", trustStore: ca.pem, timeout: 2s }
        """)).routes().get(0).integration();
    assertEquals(dir.resolve("ca.pem"), integration.trustStore());
    assertEquals(Duration.ofSeconds(2), integration.timeout());

    assertEquals(List.of("apis[0].routes[0].integration.trustStore: file not found: " + dir.resolve("missing.pem")),
        problems(api("""
            - path: /a
              integration: { uri: "https://backend/a", trustStore: missing.pem }
            """)));
  }

  @Test
  void mockIntegrationAnswersStatusHeadersAndAnyJsonBody() {
    IntegrationDefinition integration = onlyApi(api("""
        - path: /a
          integration: { type: mock, status: 201, headers: { X-Mock: mocked }, body: [1, "two"] }
        """)).routes().get(0).integration();

    assertEquals(IntegrationDefinition.Type.MOCK, integration.type());
    assertEquals(201, integration.status());
    assertEquals(Map.of("X-Mock", "mocked"), integration.headers());
    assertEquals(new JsonArray().add(1).add("two"), integration.body());
    assertNull(integration.uri());
  }

  @Test
  void aDefinitionMayNestSixtyFourLevelsAndNoMore() {
    // apis[0] is level 1; routes, the route, its integration: the body's outer list is level 5
    String atTheLimit = "[".repeat(NestingLimit.MAX_DEPTH - 4) + "]".repeat(NestingLimit.MAX_DEPTH - 4);
    assertEquals(List.of(), problems(api("- path: /a\n  integration: { type: mock, body: " + atTheLimit + " }")));

    String deeper = "[" + atTheLimit + "]";
    assertEquals(List.of("apis[0].routes[0].integration.body" + "[0]".repeat(NestingLimit.MAX_DEPTH - 4)
            + ": nested too deep: maps and lists may nest at most 64 levels in an API definition"),
        problems(api("- path: /a\n  integration: { type: mock, body: " + deeper + " }")));
  }

  @Test
  void keysOfTheOtherIntegrationTypeAreProblems() {
    assertEquals(List.of(
        "apis[0].routes[0].integration.status: applies only to a mock integration (type: mock)",
        "apis[0].routes[0].integration.body: applies only to a mock integration (type: mock)",
        "apis[0].routes[1].integration.uri: applies only to an http integration (type: http)",
        "apis[0].routes[1].integration.status: must be an HTTP status code (100-599)",
        "apis[0].routes[2].integration.type: must be one of http, mock (was 'lambda')",
        "apis[0].routes[2].integration.function: unknown key"), problems(api("""
        - path: /a
          integration: { uri: "http://backend/a", status: 200, body: ok }
        - path: /b
          integration: { type: mock, uri: "http://backend/b", status: 600 }
        - path: /c
          integration: { type: lambda, function: f }
        """)));
  }

  // --- policies

  @Test
  void policiesAreBoundByTheirPluginsAtApiAndRouteLevel() {
    ApiDefinition api = onlyApi("""
        apis:
          - name: a
            policies:
              - api-key:
            routes:
              - path: /a
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 2.5 }
                  - api-key: { header: X-Key }
        """);

    assertEquals(new PolicyRef("api-key", new JsonObject(), new TestPolicies.ApiKeyConfig("X-API-Key"), "apis[0].policies[0]"),
        api.policies().get(0));
    List<PolicyRef> route = api.routes().get(0).policies();
    assertEquals(new TestPolicies.RateLimitConfig(2.5, 3, "route"), route.get(0).bound());
    assertEquals("apis[0].routes[0].policies[1]", route.get(1).configPath());
    assertEquals(new TestPolicies.ApiKeyConfig("X-Key"), route.get(1).bound());
  }

  @Test
  void aPolicysSecretValueIsNeverEchoedInAProblem() {
    assertEquals(List.of("apis[0].policies[0].jwt.secret: must not be blank (was REDACTED)"), problems("""
        apis:
          - name: a
            policies:
              - jwt: { secret: "   " }
            routes:
              - path: /a
                integration: { type: mock }
        """));
  }

  @Test
  void pluginsOwnProblemComesOutWithItsFullPath() {
    assertEquals(List.of("apis[0].routes[2].policies[0].rate-limit.rate: must be a positive number (was '-5')"), problems(api("""
        - path: /a
          integration: { type: mock }
        - path: /b
          integration: { type: mock }
        - path: /c
          integration: { type: mock }
          policies:
            - rate-limit: { rate: -5 }
        """)));
  }

  @Test
  void keysAPluginDoesNotReadAreUnknown() {
    assertEquals(List.of("apis[0].routes[0].policies[0].rate-limit.burts: unknown key"), problems(api("""
        - path: /a
          integration: { type: mock }
          policies:
            - rate-limit: { rate: 5, burts: 10 }
        """)));
  }

  @Test
  void unknownPolicyNamesTheAvailableOnes() {
    assertEquals(List.of("apis[0].policies[0]: unknown policy 'foo' (available: api-key, broken, headers, jwt, rate-limit)"),
        problems("apis: [ { name: a, policies: [ { foo: {} } ] } ]"));
  }

  @Test
  void policyMustBeAOneKeyMapWithAMapValue() {
    assertEquals(List.of(
        "apis[0].policies[0]: must be a map with one key, the policy's name, e.g. '- rate-limit: { rate: 10 }'",
        "apis[0].policies[1]: has 2 keys (jwt, rate-limit); each policy is its own list item, e.g. '- rate-limit: { rate: 10 }'",
        "apis[0].policies[2].api-key: must be a map (or {} for no configuration)",
        "apis[0].policies[3]: must be a map with one key, the policy's name, e.g. '- rate-limit: { rate: 10 }'"), problems("""
        apis:
          - name: a
            policies:
              - api-key
              - jwt: { secret: s }
                rate-limit: { rate: 1 }
              - api-key: X-Key
              - {}
        """));
  }

  @Test
  void pluginThatThrowsIsReportedAsThePluginsFailure() {
    assertEquals(List.of("apis[0].policies[0].broken: the plugin failed to read its configuration: mode is null"),
        problems("apis: [ { name: a, policies: [ { broken: { mode: x, other: y } } ] } ]"));
  }

  // --- route conflicts

  @Test
  void sameShapeWithOverlappingMethodsConflictsAcrossApis() {
    String yaml = """
        apis:
          - name: a
            routes:
              - { path: /pets, integration: { type: mock } }
              - { path: "/pets/{id}/owner", integration: { type: mock } }
              - { path: "/pets/{id}", methods: [POST], integration: { type: mock } }
              - { path: "/pets/{id}", methods: [GET, PUT], integration: { type: mock } }
          - name: b
            routes:
              - { path: "/pets/{petId}", methods: [GET], integration: { type: mock } }
        """;

    assertEquals(List.of("apis[1].routes[0]: GET /pets/{} is already served by apis[0].routes[3]"), problems(yaml));
  }

  @Test
  void routeWithoutMethodsOverlapsEveryMethod() {
    assertEquals(List.of(
        "apis[0].routes[1]: DELETE /a/{} is already served by apis[0].routes[0]",
        "apis[0].routes[2]: /a/{} (any method) is already served by apis[0].routes[0]",
        "apis[0].routes[2]: DELETE /a/{} is already served by apis[0].routes[1]"), problems(api("""
        - { path: "/a/{x}", integration: { type: mock } }
        - { path: "/a/{y}", methods: [DELETE], integration: { type: mock } }
        - { path: "/a/{z}", integration: { type: mock } }
        """)));
  }

  @Test
  void literalParameterAndGreedyRoutesDoNotConflictSinceTheMostSpecificWins() {
    assertEquals(List.of(), problems(api("""
        - { path: /files/latest, integration: { type: mock } }
        - { path: "/files/{id}", integration: { type: mock } }
        - { path: "/files/{rest+}", integration: { type: mock } }
        - { path: "/{any+}", integration: { type: mock } }
        - { path: /, integration: { type: mock } }
        """)));
  }

  @Test
  void disjointMethodsOnOneShapeDoNotConflict() {
    assertEquals(List.of(), problems(api("""
        - { path: "/pets/{id}", methods: [GET, HEAD], integration: { type: mock } }
        - { path: "/pets/{petId}", methods: [DELETE], integration: { type: mock } }
        """)));
  }

  @Test
  void stagesAndBasePathsArePartOfTheServedPath() {
    String yaml = """
        apis:
          - name: a
            basePath: /shop
            stages: { $default: {}, beta: {} }
            routes:
              - { path: /items, integration: { type: mock } }
          - name: b
            basePath: /beta/shop
            routes:
              - { path: /items, methods: [GET], integration: { type: mock } }
          - name: c
            basePath: /shop
            routes:
              - { path: /orders, integration: { type: mock } }
        """;

    assertEquals(List.of("apis[1].routes[0]: GET /beta/shop/items is already served by apis[0].routes[0]"), problems(yaml));
  }

  // --- all at once

  @Test
  void severalProblemsAreAllReported() {
    String yaml = """
        server: { port: -1 }
        apis:
          - name: a
            routes:
              - path: pets
                methods: [GRAB]
                integration: { uri: "http://backend/{id}", timout: 5s }
                policies:
                  - rate-limit: { rate: 0 }
                  - nope: {}
        usagePlans:
          - throttle: { rate: 1 }
        """;

    assertEquals(List.of(
        "server.port: must be a port number (0-65535) (was '-1')",
        "apis[0].routes[0].path: must start with '/'",
        "apis[0].routes[0].methods[0]: unknown HTTP method 'GRAB' (leave methods out to allow any method)",
        "apis[0].routes[0].integration.timout: unknown key",
        "apis[0].routes[0].policies[0].rate-limit.rate: must be a positive number (was '0')",
        "apis[0].routes[0].policies[1]: unknown policy 'nope' (available: api-key, broken, headers, jwt, rate-limit)",
        "usagePlans[0].name: is required"), problems(yaml));
  }

  // --- for the admin API

  @Test
  void bindApiBindsOneObjectWithPathsRelativeToIt() {
    JsonObject body = new JsonObject()
        .put("name", "a")
        .put("routes", new JsonArray().add(new JsonObject().put("path", "/x").put("integration", new JsonObject().put("uri", "nope"))));
    List<String> problems = new ArrayList<>();

    TestPolicies.loader(Map.of()).bindApi(body, "", dir, java.util.Set.of(), problems);

    assertEquals(List.of("routes[0].integration.uri: must be an absolute http or https URL with a host, or lb://<upstream>/path (was 'nope')"), problems);
  }
}
