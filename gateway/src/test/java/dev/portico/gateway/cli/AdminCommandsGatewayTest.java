package dev.portico.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.ShopApi;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code apis} (list, get, put, delete) and {@code stages}' canary changes against a real gateway:
 * what they print, what the gateway serves and keeps afterwards, and their exit codes.
 */
class AdminCommandsGatewayTest {

  private static final String TOKEN = "apis-command-token";
  private static final String JWT_SECRET = "a-secret-of-at-least-thirty-two-bytes!!";

  /** {@code shop} (stages $default and prod) and {@code vault}, whose jwt policy holds a secret. */
  private static final String YAML = ShopApi.yaml(TOKEN) + """
        - name: vault
          basePath: /vault
          policies:
            - jwt: { secret: "%s" }
          routes:
            - path: /
              integration: { type: mock, status: 200 }
      """.formatted(JWT_SECRET);

  @TempDir
  Path files;

  private TestGateway gw;
  private Admin admin;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() {
    gw = TestGateway.start(YAML, BundledPlugins.dir("jwt"));
    admin = new Admin(gw.adminPort(), TOKEN);
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cli = PorticoCli.commandLine(Map.of(
        AdminClient.URL_VARIABLE, "http://127.0.0.1:" + gw.adminPort(), AdminClient.TOKEN_VARIABLE, TOKEN));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private String output() {
    return "--- stdout:\n" + out + "--- stderr:\n" + err;
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(files.resolve(name), text);
  }

  private int servedVersion() {
    Admin.Answer a = Admin.fetch(gw.port(), "/shop/item");
    assertEquals(200, a.status(), a::toString);
    return a.json().getInteger("v");
  }

  @Test
  void apisListsEachApiWithItsBasePathStagesAndOwner() {
    assertEquals(0, run("apis"), this::output);
    String list = out.toString();
    assertEquals(0, run("apis", "list"), this::output);
    assertEquals(list, out.toString(), "apis and apis list print the same");

    List<String> lines = list.lines().toList();
    assertEquals(3, lines.size(), this::output);
    assertTrue(lines.get(0).matches("NAME\\s+BASE PATH\\s+STAGES\\s+MANAGED BY"), lines.get(0));
    assertTrue(lines.get(1).matches("shop\\s+/shop\\s+\\$default prod\\s+file"), lines.get(1));
    assertTrue(lines.get(2).matches("vault\\s+/vault\\s+\\S+\\s+file"), lines.get(2));
  }

  @Test
  void getPrintsTheDefinitionAsYamlWithSecretsMasked() {
    assertEquals(0, run("apis", "get", "vault"), this::output);

    String yaml = out.toString();
    assertFalse(yaml.contains(JWT_SECRET), yaml);
    assertTrue(yaml.contains("secret: '***'"), yaml);
    assertTrue(yaml.contains("basePath: /vault"), yaml);
    assertEquals("", err.toString());
  }

  @Test
  void whatGetPrintsPutTakesBackAndTheSecretIsKept() throws IOException {
    assertEquals(0, run("apis", "get", "vault"), this::output);
    Path vault = file("vault.yaml", out.toString());
    JsonObject before = admin.expect(200, "GET", "/apis/vault", null).json();

    assertEquals(0, run("apis", "put", "vault", "--file", vault.toString()), this::output);

    assertEquals("vault saved: /vault, 1 route, served now", out.toString().strip());
    JsonObject after = admin.expect(200, "GET", "/apis/vault", null).json();
    assertEquals("admin", after.remove("managedBy"));
    before.remove("managedBy");
    assertEquals(before, after, "the definition went through YAML unchanged");
    String stored = Files.readString(gw.dir().resolve("data").resolve("apis.json"));
    assertTrue(stored.contains(JWT_SECRET) && !stored.contains("***"), "the secret was kept, not replaced by ***");
  }

  @Test
  void putFromAYamlFileServesTheNewDefinitionAtOnce() throws IOException {
    Path shop = file("shop.yaml", """
        # version 2
        basePath: /shop
        stages: { $default: {}, prod: {} }
        routes:
          - path: /item
            integration: { type: mock, status: 200, body: { v: 2 } }
        """);

    assertEquals(0, run("apis", "put", "shop", "--file", shop.toString()), this::output);

    assertEquals("shop saved: /shop, 1 route, served now", out.toString().strip());
    assertEquals(2, servedVersion());
  }

  @Test
  void putFromAJsonFileCreatesAnApi() throws IOException {
    Path pets = file("pets.json", """
        {"basePath": "/pets", "routes": [{"path": "/", "integration": {"type": "mock", "status": 204}}]}
        """);

    assertEquals(0, run("apis", "put", "pets", "--file", pets.toString()), this::output);

    assertEquals(204, Admin.fetch(gw.port(), "/pets/").status());
    assertEquals(0, run("apis"), this::output);
    assertTrue(out.toString().lines().anyMatch(l -> l.matches("pets\\s+/pets\\s+\\S+\\s+admin")), this::output);
  }

  @Test
  void anInvalidDefinitionIsExit1WithEveryProblemOnALineOfItsOwn() throws IOException {
    Path bad = file("bad.yaml", """
        basePath: /shop
        routes:
          - integration: { type: mock }
          - path: /x
            integration: { type: http, uri: "ftp://nope" }
        """);

    assertEquals(1, run("apis", "put", "shop", "--file", bad.toString()), this::output);

    List<String> lines = err.toString().lines().toList();
    assertEquals("invalid API definition (400):", lines.get(0), this::output);
    assertTrue(lines.contains("routes[0].path: is required"), this::output);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("routes[1].integration.uri: ")), this::output);
    assertEquals(3, lines.size(), this::output);
    assertEquals("", out.toString());
    assertEquals(1, servedVersion(), "a refused definition changed nothing");
  }

  @Test
  void aFileThatIsNotOneYamlMapIsExit1NamingTheFileAndWhere() throws IOException {
    Path broken = file("broken.yaml", "basePath: /shop\nroutes: [\n");
    Path list = file("list.yaml", "- basePath: /shop\n");
    Path missing = files.resolve("missing.yaml");

    assertEquals(1, run("apis", "put", "shop", "--file", broken.toString()), this::output);
    assertTrue(err.toString().startsWith(broken + ": line "), this::output);
    assertEquals(1, run("apis", "put", "shop", "--file", list.toString()), this::output);
    assertEquals(list + ": line 1, column 1: an API definition must be a map (basePath, routes, ...)", err.toString().strip());
    assertEquals(1, run("apis", "put", "shop", "--file", missing.toString()), this::output);
    assertTrue(err.toString().startsWith(missing + ": cannot be read"), this::output);

    assertEquals(1, servedVersion());
    assertEquals("file", admin.expect(200, "GET", "/apis/shop", null).json().getString("managedBy"), "nothing was sent");
  }

  @Test
  void deleteStopsServingTheApiAndAnUnknownOneIsExit1() {
    assertEquals(0, run("apis", "delete", "shop"), this::output);

    assertEquals("shop deleted", out.toString().strip());
    assertEquals(404, Admin.fetch(gw.port(), "/shop/item").status());
    assertEquals(1, run("apis", "get", "shop"), this::output);
    assertEquals("no API named 'shop' (404)", err.toString().strip());
  }

  @Test
  void usageErrorsAreExit2() {
    List<String[]> usages = List.of(
        new String[] {"apis", "get"},
        new String[] {"apis", "get", ""},
        new String[] {"apis", "put", "shop"},
        new String[] {"apis", "delete"},
        new String[] {"apis", "rename", "shop"},
        new String[] {"apis", "--admin", "127.0.0.1:9876"});
    for (String[] args : usages) {
      assertEquals(2, run(args), () -> String.join(" ", args) + "\n" + output());
      assertFalse(err.toString().isBlank(), () -> String.join(" ", args) + ": no explanation");
    }
    assertEquals(1, servedVersion());
  }

  @Test
  void percentAloneChangesTheCanarysShareAndKeepsItsDeployment() {
    String first = admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}").json().getString("id");
    String second = admin.expect(201, "POST", "/apis/shop/deployments", "{}").json().getString("id");
    assertEquals(0, run("stages", "--api", "shop", "--stage", "prod", "--canary", second, "--percent", "10"), this::output);

    assertEquals(0, run("stages", "--api", "shop", "--stage", "prod", "--percent", "20"), this::output);

    JsonObject prod = admin.expect(200, "GET", "/apis/shop/stages/prod", null).json();
    assertEquals(first, prod.getString("deploymentId"));
    assertEquals(second, prod.getJsonObject("canary").getString("deploymentId"));
    assertEquals(20.0, prod.getJsonObject("canary").getDouble("percent"));
    assertTrue(out.toString().contains(second + " 20%"), this::output);
  }

  @Test
  void canaryAloneChangesTheCanarysDeploymentAndKeepsItsShare() {
    admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}");
    String second = admin.expect(201, "POST", "/apis/shop/deployments", "{}").json().getString("id");
    String third = admin.expect(201, "POST", "/apis/shop/deployments", "{}").json().getString("id");
    assertEquals(0, run("stages", "--api", "shop", "--stage", "prod", "--canary", second, "--percent", "30"), this::output);

    assertEquals(0, run("stages", "--api", "shop", "--stage", "prod", "--canary", third), this::output);

    JsonObject canary = admin.expect(200, "GET", "/apis/shop/stages/prod", null).json().getJsonObject("canary");
    assertEquals(third, canary.getString("deploymentId"));
    assertEquals(30.0, canary.getDouble("percent"));
  }

  @Test
  void percentAloneOnAStageWithoutACanaryIsExit1SayingWhatIsMissing() {
    assertEquals(1, run("stages", "--api", "shop", "--stage", "prod", "--percent", "20"), this::output);

    assertTrue(err.toString().contains("canary.deploymentId: is required"), this::output);
    assertNull(admin.expect(200, "GET", "/apis/shop/stages/prod", null).json().getValue("canary"));
  }
}
