package dev.portico.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.ShopApi;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The admin API's writes on one node: definitions, deployments, stages (rollback, canary), every
 * write checked like the file and refused whole, and everything kept in {@code data/} across a
 * restart.
 */
class AdminWriteTest {

  private static final String TOKEN = "test-admin-token";

  private static final String YAML = ShopApi.yaml(TOKEN);

  private static String version(int v) {
    return ShopApi.version(v);
  }

  private static int served(TestGateway gw, String path) {
    Admin.Answer a = Admin.fetch(gw.port(), path);
    assertEquals(200, a.status(), () -> path + ": " + a);
    return a.json().getInteger("v");
  }

  @Test
  void withoutATokenOnlyHealthReadyAndMetricsAnswer() {
    try (TestGateway gw = TestGateway.start("""
        apis:
          - name: shop
            basePath: /shop
            routes:
              - path: /item
                integration: { type: mock, status: 200 }
        """)) {
      Admin anonymous = new Admin(gw.adminPort(), null);
      assertEquals(200, anonymous.get("/health").status());
      assertEquals(200, anonymous.get("/ready").status());
      assertEquals(200, anonymous.get("/metrics").status());
      Admin.Answer refused = anonymous.call("PUT", "/apis/shop", version(2));
      assertEquals(403, refused.status(), refused::toString);
      assertTrue(refused.json().getString("message").contains("admin.token"), refused::toString);
      assertEquals(403, new Admin(gw.adminPort(), "guess").get("/apis").status());
    }
  }

  @Test
  void aWrongOrMissingTokenIs401AndTheRightOneIsCompared() {
    try (TestGateway gw = TestGateway.start(YAML)) {
      assertEquals(401, new Admin(gw.adminPort(), null).get("/apis").status());
      assertEquals(401, new Admin(gw.adminPort(), TOKEN + "x").call("PUT", "/apis/shop", version(2)).status());
      assertEquals(401, new Admin(gw.adminPort(), TOKEN.substring(1)).get("/apis").status());
      assertEquals(1, served(gw, "/shop/item"), "a refused write changed nothing");
      JsonArray apis = new Admin(gw.adminPort(), TOKEN).expect(200, "GET", "/apis", null).array();
      assertEquals("shop", apis.getJsonObject(0).getString("name"));
      assertEquals("file", apis.getJsonObject(0).getString("managedBy"));
    }
  }

  @Test
  void aBadDefinitionIsRefusedWithEveryProblemAndTheOldRoutesKeepServing() {
    try (TestGateway gw = TestGateway.start(YAML)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      Admin.Answer refused = admin.call("PUT", "/apis/shop", """
          {"basePath": "/shop", "colour": "blue",
           "routes": [{"integration": {"type": "mock"}},
                      {"path": "/x", "integration": {"type": "http", "uri": "ftp://nope"}},
                      {"path": "/y", "integration": {"type": "mock"}, "policies": [{"no-such-policy": {}}]}]}
          """);
      assertEquals(400, refused.status(), refused::toString);
      JsonArray errors = refused.json().getJsonArray("errors");
      String all = errors.encode();
      assertTrue(errors.size() >= 4, all);
      assertTrue(all.contains("colour"), all);
      assertTrue(all.contains("routes[0].path"), all);
      assertTrue(all.contains("routes[1].integration.uri"), all);
      assertTrue(all.contains("no-such-policy"), all);
      assertEquals(1, served(gw, "/shop/item"));

      assertEquals(400, admin.call("PUT", "/apis/shop", "[1, 2]").status());
      assertEquals(400, admin.call("PUT", "/apis/shop", "{not json").status());
      assertEquals(400, admin.call("PUT", "/apis/shop", "{\"name\": \"other\", \"routes\": []}").status());
      assertEquals(1, served(gw, "/shop/item"));
    }
  }

  @Test
  void aDefinitionWhoseRoutesAnotherApiServesIsRefused() {
    try (TestGateway gw = TestGateway.start(YAML)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      Admin.Answer refused = admin.call("PUT", "/apis/copycat", version(9));
      assertEquals(400, refused.status(), refused::toString);
      assertTrue(refused.body().contains("already served by") && refused.body().contains("(API 'shop')"), refused::toString);
      assertEquals(1, served(gw, "/shop/item"));
    }
  }

  @Test
  void deployChangeDeployAndRollBack() {
    try (TestGateway gw = TestGateway.start(YAML)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      JsonObject first = admin.expect(201, "POST", "/apis/shop/deployments",
          "{\"stage\": \"prod\", \"description\": \"v1\"}").json();
      assertEquals("v1", first.getString("description"));
      assertFalse(first.getString("id").isEmpty());
      assertTrue(first.getString("createdAt").endsWith("Z"), first::encode);

      admin.expect(200, "PUT", "/apis/shop", version(2));
      assertEquals(2, served(gw, "/shop/item"), "$default follows the current definition");
      assertEquals(1, served(gw, "/prod/shop/item"), "prod serves its frozen deployment");
      assertEquals("admin", admin.get("/apis/shop").json().getString("managedBy"));

      JsonObject second = admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}").json();
      assertEquals(2, served(gw, "/prod/shop/item"));
      assertNotEquals(first.getString("hash"), second.getString("hash"));

      JsonArray deployments = admin.expect(200, "GET", "/apis/shop/deployments", null).array();
      assertEquals(2, deployments.size());
      assertEquals(second.getString("id"), deployments.getJsonObject(0).getString("id"), "newest first");

      // rollback: point the stage at the older deployment; other fields keep their values
      admin.expect(200, "PUT", "/apis/shop/stages/prod", "{\"variables\": {\"colour\": \"red\"}}");
      JsonObject prod = admin.expect(200, "PUT", "/apis/shop/stages/prod",
          "{\"deploymentId\": \"" + first.getString("id") + "\"}").json();
      assertEquals(first.getString("id"), prod.getString("deploymentId"));
      assertEquals("/prod/shop", prod.getString("path"));
      assertEquals("red", prod.getJsonObject("variables").getString("colour"), "a PUT merges");
      assertEquals(1, served(gw, "/prod/shop/item"));
      assertEquals(2, served(gw, "/shop/item"));

      admin.expect(200, "PUT", "/apis/shop/stages/prod", "{\"deploymentId\": null}");
      // $default written as a client library escapes it
      admin.expect(200, "PUT", "/apis/shop/stages/%24default", "{\"deploymentId\": \"" + first.getString("id") + "\"}");
      assertEquals(1, served(gw, "/shop/item"));
      assertEquals(first.getString("id"), admin.get("/apis/shop/stages/$default").json().getString("deploymentId"));
      assertEquals(2, served(gw, "/prod/shop/item"), "a stage without deployment follows the current definition");
    }
  }

  @Test
  void stageWritesAreCheckedWhole() {
    try (TestGateway gw = TestGateway.start(YAML)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      String id = admin.expect(201, "POST", "/apis/shop/deployments", "{}").json().getString("id");
      Admin.Answer refused = admin.call("PUT", "/apis/shop/stages/prod",
          "{\"deploymentId\": \"nope\", \"canary\": {\"deploymentId\": \"" + id + "\", \"percent\": 150}, \"x\": 1}");
      assertEquals(400, refused.status(), refused::toString);
      String errors = refused.json().getJsonArray("errors").encode();
      assertTrue(errors.contains("canary.percent"), errors);
      assertTrue(errors.contains("x: unknown field"), errors);
      refused = admin.call("PUT", "/apis/shop/stages/prod", "{\"deploymentId\": \"nope\"}");
      assertEquals(400, refused.status(), refused::toString);
      assertTrue(refused.body().contains("no deployment 'nope'"), refused::toString);
      assertEquals(404, admin.call("PUT", "/apis/nothing/stages/prod", "{}").status());
      assertEquals(404, admin.call("POST", "/apis/nothing/deployments", "{}").status());
      assertEquals(400, admin.call("POST", "/apis/shop/deployments", "{\"stage\": \"a b\"}").status());
      assertEquals(1, served(gw, "/prod/shop/item"));
    }
  }

  @Test
  void aStageVariableTheRoutesNeedCannotBeTakenAway() {
    try (TestGateway gw = TestGateway.start("""
        admin: { token: %s }
        apis:
          - name: shop
            basePath: /shop
            stages: { prod: { variables: { backend: "http://127.0.0.1:9" } } }
            routes:
              - path: /item
                integration: { type: http, uri: "${stage.backend}/item" }
        """.formatted(TOKEN))) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      Admin.Answer refused = admin.call("PUT", "/apis/shop/stages/prod", "{\"variables\": {\"other\": \"x\"}}");
      assertEquals(400, refused.status(), refused::toString);
      assertTrue(refused.body().contains("backend"), refused::toString);
    }
  }

  @Test
  void aCanaryGetsItsShareOfRequests() {
    try (TestGateway gw = TestGateway.start(YAML)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}");
      admin.expect(200, "PUT", "/apis/shop", version(2));
      String canary = admin.expect(201, "POST", "/apis/shop/deployments", "{}").json().getString("id");
      admin.expect(200, "PUT", "/apis/shop/stages/prod",
          "{\"canary\": {\"deploymentId\": \"" + canary + "\", \"percent\": 25}}");

      int toCanary = 0;
      for (int i = 0; i < 1000; i++) {
        toCanary += served(gw, "/prod/shop/item") == 2 ? 1 : 0;
      }
      // binomial(1000, 0.25): mean 250, sd 13.7; 190..310 is more than 4 sd either way
      assertTrue(toCanary >= 190 && toCanary <= 310, "canary served " + toCanary + " of 1000");

      // sticky: one client (127.0.0.1) always lands on the same side
      admin.expect(200, "PUT", "/apis/shop/stages/prod", "{\"canary\": {\"percent\": 50, \"sticky\": true}}");
      int first = served(gw, "/prod/shop/item");
      for (int i = 0; i < 50; i++) {
        assertEquals(first, served(gw, "/prod/shop/item"));
      }
      admin.expect(200, "PUT", "/apis/shop/stages/prod", "{\"canary\": null}");
      for (int i = 0; i < 50; i++) {
        assertEquals(1, served(gw, "/prod/shop/item"));
      }
    }
  }

  @Test
  void whatTheAdminApiMadeSurvivesARestartAndTheFileNoLongerOwnsIt() throws Exception {
    Path dir = Files.createTempDirectory("portico-restart");
    String deployed;
    try (TestGateway gw = TestGateway.startIn(dir, YAML, null)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      deployed = admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}").json().getString("id");
      admin.expect(200, "PUT", "/apis/shop", version(3));
      admin.expect(201, "PUT", "/apis/extra", """
          {"basePath": "/extra", "routes": [{"path": "/", "integration": {"type": "mock", "status": 200, "body": {"v": 7}}}]}
          """);
      admin.expect(201, "PUT", "/apis/gone", """
          {"basePath": "/gone", "routes": [{"path": "/", "integration": {"type": "mock", "status": 200}}]}
          """);
      admin.expect(204, "DELETE", "/apis/gone", null);
      assertEquals(404, Admin.fetch(gw.port(), "/gone/").status());
    }
    assertTrue(Files.exists(dir.resolve("data/apis.json")));
    try (TestGateway gw = TestGateway.startIn(dir, YAML, null)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      assertEquals(3, served(gw, "/shop/item"), "the admin API's definition, not the file's");
      assertEquals(1, served(gw, "/prod/shop/item"));
      assertEquals(7, served(gw, "/extra/"));
      assertEquals(404, Admin.fetch(gw.port(), "/gone/").status());
      assertEquals(deployed, admin.get("/apis/shop/deployments").array().getJsonObject(0).getString("id"));
      assertEquals(404, admin.get("/apis/gone").status());
    }
  }
}
