package dev.portico.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Admin;
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
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Secrets through the admin API: shown as "***", and a definition read from it and written back
 * keeps the secrets it had instead of turning them into "***".
 */
class AdminSecretsTest {

  private static final String TOKEN = "secrets-token";

  /** An authorizer that admits requests whose X-Password is its secret {@code password}. */
  static final class PasswordFactory implements PolicyFactory<String> {
    @Override
    public String name() {
      return "password";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.AUTHORIZER;
    }

    @Override
    public String parse(ConfigReader config) {
      return config.requiredString("password");
    }

    @Override
    public Policy create(String password, PolicyEnvironment env) {
      return (Authorizer) ctx -> password.equals(ctx.request().headers().get("X-Password"))
          ? Future.succeededFuture(Principal.of("someone"))
          : Future.failedFuture(Rejection.of(401, "Unauthorized"));
    }

    @Override
    public Set<String> secretKeys() {
      return Set.of("password");
    }
  }

  private static int call(TestGateway gw, String password) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/vault/"))
        .header("X-Password", password).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void aStoredApiWhosePluginIsGoneIsLeftOutAtStartAndTheRestServes() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("portico-gone");
    String yaml = """
        admin: { token: %s }
        apis:
          - name: open
            basePath: /open
            routes:
              - path: /
                integration: { type: mock, status: 200 }
        """.formatted(TOKEN);
    try (TestGateway gw = TestGateway.startIn(dir, yaml, null, new PasswordFactory())) {
      new Admin(gw.adminPort(), TOKEN).expect(201, "PUT", "/apis/vault", """
          {"basePath": "/vault", "policies": [{"password": {"password": "open-sesame"}}],
           "routes": [{"path": "/", "integration": {"type": "mock", "status": 200}}]}
          """);
      assertEquals(200, call(gw, "open-sesame"));
    }
    // the plugin is no longer installed: the gateway starts, without the API that needs it
    try (TestGateway gw = TestGateway.startIn(dir, yaml, null)) {
      assertEquals(404, call(gw, "open-sesame"));
      assertEquals(200, Admin.fetch(gw.port(), "/open/").status());
    }
  }

  @Test
  void aDefinitionReadAndWrittenBackKeepsItsSecrets() throws Exception {
    try (TestGateway gw = TestGateway.start("""
        admin: { token: %s }
        apis:
          - name: vault
            basePath: /vault
            policies:
              - password: { password: open-sesame }
            routes:
              - path: /
                integration: { type: mock, status: 200 }
        """.formatted(TOKEN), new PasswordFactory())) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      JsonObject shown = admin.expect(200, "GET", "/apis/vault", null).json();
      assertFalse(shown.encode().contains("open-sesame"), shown::encode);
      assertEquals("***", shown.getJsonArray("policies").getJsonObject(0).getJsonObject("password").getString("password"));

      shown.getJsonArray("routes").getJsonObject(0).getJsonObject("integration").put("status", 204);
      admin.expect(200, "PUT", "/apis/vault", shown.encode());
      assertEquals(204, call(gw, "open-sesame"), "the secret kept its value");
      assertEquals(401, call(gw, "***"));

      JsonObject fresh = new JsonObject(shown.encode());
      fresh.remove("name");
      fresh.getJsonArray("policies").getJsonObject(0).put("password", new JsonObject().put("password", "***"));
      Admin.Answer refused = admin.call("PUT", "/apis/other", fresh.put("basePath", "/other").encode());
      assertEquals(400, refused.status(), refused::toString);
      assertTrue(refused.body().contains("policies[0].password.password"), refused::toString);
    }
  }
}
