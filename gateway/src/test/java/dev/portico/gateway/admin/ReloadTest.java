package dev.portico.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.GatewayConfig;
import dev.portico.gateway.config.LoadResult;
import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.TestGateway;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link dev.portico.gateway.server.GatewayServer#reload}: the file's APIs read again serve
 * without a restart, except those the admin API owns.
 */
class ReloadTest {

  private static final String TOKEN = "reload-token";

  private static String yaml(int v, String extra) {
    return """
        server: { instances: 1, drainTimeout: 1s }
        admin: { token: %s }
        apis:
          - name: shop
            basePath: /shop
            routes:
              - path: /item
                integration: { type: mock, status: 200, body: { v: %d } }
          - name: owned
            basePath: /owned
            routes:
              - path: /item
                integration: { type: mock, status: 200, body: { v: %d } }
        %s""".formatted(TOKEN, v, v, extra);
  }

  private static void reload(TestGateway gw, String yaml) throws Exception {
    LoadResult loaded = new ConfigLoader(Map.of(), Map.of()).parse(yaml, gw.dir());
    assertTrue(loaded.ok(), () -> String.join("\n", loaded.problems()));
    GatewayConfig config = loaded.config();
    gw.server().reload(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Admin.Answer get(TestGateway gw, String path) {
    return Admin.fetch(gw.port(), path);
  }

  @Test
  void theFilesApisServeAfterAReloadButNotTheOnesTheAdminApiOwns() throws Exception {
    try (TestGateway gw = TestGateway.start(yaml(1, ""))) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      admin.expect(200, "PUT", "/apis/owned", """
          {"basePath": "/owned", "routes": [{"path": "/item", "integration": {"type": "mock", "status": 200, "body": {"v": 100}}}]}
          """);
      reload(gw, yaml(2, "  - name: added\n    basePath: /added\n    routes:\n      - path: /\n"
          + "        integration: { type: mock, status: 200, body: { v: 3 } }\n"));
      assertEquals(2, get(gw, "/shop/item").json().getInteger("v"));
      assertEquals(3, get(gw, "/added/").json().getInteger("v"));
      assertEquals(100, get(gw, "/owned/item").json().getInteger("v"), "the admin API's definition stays");

      reload(gw, yaml(4, ""));
      assertEquals(404, get(gw, "/added/").status(), "an API taken out of the file stops serving");
      assertEquals(4, get(gw, "/shop/item").json().getInteger("v"));
    }
  }
}
