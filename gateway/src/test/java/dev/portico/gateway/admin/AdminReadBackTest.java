package dev.portico.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.NestingLimit;
import dev.portico.gateway.pipeline.LogCapture;
import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.ShopApi;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the admin API accepts, the gateway loads at its next start: a definition nested deeper than
 * {@link NestingLimit} is refused like any invalid one, and a {@code data/apis.json} holding an API
 * that cannot be read starts without it, saying which and why.
 */
class AdminReadBackTest {

  private static final String TOKEN = "test-admin-token";
  /** The levels above a mock body: the definition, routes, the route, its integration. */
  private static final int ABOVE_BODY = 4;

  /** {"a": {"a": ... 1 ...}}: {@code levels} maps. */
  private static String nested(int levels) {
    return "{\"a\": ".repeat(levels) + "1" + "}".repeat(levels);
  }

  /** An API at {@code /<name>} whose one route answers {@code body}. */
  private static String api(String name, String body) {
    return """
        {"basePath": "/%s", "routes": [{"path": "/", "integration": {"type": "mock", "status": 200, "body": %s}}]}
        """.formatted(name, body);
  }

  @Test
  void aDefinitionNestedTooDeepIsRefusedNamingThePathAndNothingIsStored() throws Exception {
    Path dir = Files.createTempDirectory("portico-nest");
    try (TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      for (int levels : new int[] {NestingLimit.MAX_DEPTH - ABOVE_BODY + 1, 900}) {
        Admin.Answer refused = admin.call("PUT", "/apis/nest", api("nest", nested(levels)));
        assertEquals(400, refused.status(), refused::toString);
        JsonArray errors = refused.json().getJsonArray("errors");
        assertEquals(1, errors.size(), errors::encode);
        assertTrue(errors.getString(0).startsWith("routes[0].integration.body.a.a.a"), errors::encode);
        assertTrue(errors.getString(0).contains("nested too deep"), errors::encode);

        refused = admin.call("PUT", "/apis/shop", ShopApi.version(2).replace("{\"v\": 2}", nested(levels)));
        assertEquals(400, refused.status(), refused::toString);
      }
      assertEquals(404, admin.get("/apis/nest").status());
      assertEquals(404, Admin.fetch(gw.port(), "/nest/").status());
      assertEquals(1, Admin.fetch(gw.port(), "/shop/item").json().getInteger("v"), "the old definition serves");
    }
    assertFalse(Files.exists(dir.resolve("data/apis.json")), "nothing was stored");
    try (TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      assertEquals(1, Admin.fetch(gw.port(), "/shop/item").json().getInteger("v"));
    }
  }

  @Test
  void aDefinitionAtTheLimitIsAcceptedDeployedAndServedAgainAfterARestart() throws Exception {
    Path dir = Files.createTempDirectory("portico-nest");
    String body = nested(NestingLimit.MAX_DEPTH - ABOVE_BODY);
    try (TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      admin.expect(201, "PUT", "/apis/nest", api("nest", body));
      // a deployment keeps the definition two levels deeper in data/ than the current one
      admin.expect(201, "POST", "/apis/nest/deployments", "{\"stage\": \"prod\"}");
      assertEquals(new JsonObject(body), Admin.fetch(gw.port(), "/prod/nest/").json());
    }
    try (TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      assertEquals(new JsonObject(body), Admin.fetch(gw.port(), "/nest/").json());
      assertEquals(new JsonObject(body), Admin.fetch(gw.port(), "/prod/nest/").json());
    }
  }

  @Test
  void anApiDataHoldsUnreadableIsLeftOutLoggedAndKeptWhileTheOthersServe() throws Exception {
    Path dir = Files.createTempDirectory("portico-unreadable");
    // the file also defines 'nest': data/ owns that name, so the file's definition stays ignored
    String yaml = ShopApi.yaml(TOKEN) + """
          - name: nest
            basePath: /nest
            routes:
              - path: /
                integration: { type: mock, status: 200, body: { from: file } }
        """;
    try (TestGateway gw = TestGateway.startIn(dir, yaml, null)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      admin.expect(201, "PUT", "/apis/extra", api("extra", "{\"v\": 7}"));
      admin.expect(200, "PUT", "/apis/nest", api("nest", "{\"v\": 8}"));
      admin.expect(201, "PUT", "/apis/odd", api("odd", "{\"v\": 9}"));
    }
    // 'nest' as a gateway without the limit wrote it, 'odd' edited by hand
    Path state = dir.resolve("data/apis.json");
    JsonObject apis = new JsonObject(Files.readString(state)).getJsonObject("apis");
    String deep = "{\"name\": \"nest\", \"version\": 2, \"definition\": " + api("nest", nested(900)) + "}";
    String odd = apis.getJsonObject("odd").put("deployments", 5).encode();
    Files.writeString(state, "{\"format\": 1, \"apis\": {\"extra\": " + apis.getJsonObject("extra").encode()
        + ", \"nest\": " + deep + ", \"odd\": " + odd + "}}");

    try (LogCapture logs = LogCapture.capture(); TestGateway gw = TestGateway.startIn(dir, yaml, null)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      assertEquals(7, Admin.fetch(gw.port(), "/extra/").json().getInteger("v"), "the others are served");
      assertEquals(1, Admin.fetch(gw.port(), "/shop/item").json().getInteger("v"));
      assertEquals(404, Admin.fetch(gw.port(), "/nest/").status(), "neither data/'s nor the file's");
      assertEquals(404, Admin.fetch(gw.port(), "/odd/").status());
      assertEquals(404, admin.get("/apis/nest").status());
      List<String> errors = logs.errors();
      assertTrue(errors.stream().anyMatch(e -> e.contains("'nest'") && e.contains("nested more than")), errors::toString);
      assertTrue(errors.stream().anyMatch(e -> e.contains("'odd'") && e.contains("cannot be read")), errors::toString);
      assertTrue(logs.alarms().stream().anyMatch(e -> e.contains("apis[1] 'nest'") && e.contains("ignored")),
          logs.alarms()::toString);
      assertFalse(errors.stream().anyMatch(e -> e.contains("null")), errors::toString);

      // another write keeps them as they were; writing one of them again replaces it
      admin.expect(200, "PUT", "/apis/extra", api("extra", "{\"v\": 70}"));
      assertTrue(Files.readString(state).contains(nested(900)), "kept as written");
      assertTrue(Files.readString(state).contains("\"deployments\":5"), "kept as written");
      admin.expect(201, "PUT", "/apis/nest", api("nest", "{\"v\": 80}"));
      admin.expect(204, "DELETE", "/apis/odd", null);
      assertEquals(80, Admin.fetch(gw.port(), "/nest/").json().getInteger("v"));
      assertFalse(Files.readString(state).contains(nested(2)));
      assertFalse(Files.readString(state).contains("\"deployments\":5"));
    }
    try (LogCapture logs = LogCapture.capture(); TestGateway gw = TestGateway.startIn(dir, yaml, null)) {
      assertEquals(80, Admin.fetch(gw.port(), "/nest/").json().getInteger("v"));
      assertEquals(70, Admin.fetch(gw.port(), "/extra/").json().getInteger("v"));
      assertEquals(404, Admin.fetch(gw.port(), "/odd/").status(), "deleted");
      assertEquals(List.of(), logs.errors());
    }
  }
}
