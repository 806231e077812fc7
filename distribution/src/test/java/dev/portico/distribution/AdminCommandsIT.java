package dev.portico.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/portico deploy}, {@code deployments} and {@code stages} against a running gateway's
 * admin API, the token taken from {@code PORTICO_ADMIN_TOKEN}.
 */
class AdminCommandsIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final String TOKEN = "it-admin-token-0123456789";

  private static final String CONFIG = """
      admin:
        token: ${env:PORTICO_ADMIN_TOKEN:-}
      apis:
        - name: shop
          basePath: /shop
          stages:
            $default: {}
            prod: {}
          routes:
            - path: /version
              methods: [GET]
              integration: { type: mock, status: 200, body: { version: 1 } }
      """;

  @TempDir Path tmp;

  private final int port = PorticoProcess.freePort();
  private final int adminPort = PorticoProcess.freePort();
  private final String adminUrl = "http://127.0.0.1:" + adminPort;
  private final AtomicInteger commands = new AtomicInteger();

  @AfterEach
  void killLeftovers() {
    PorticoProcess.killLeftovers();
  }

  private PorticoProcess startGateway(String adminToken) throws IOException {
    Path config = Files.writeString(tmp.resolve("portico.yaml"), CONFIG);
    Map<String, String> env = new HashMap<>();
    env.put("PORTICO_ADMIN_TOKEN", adminToken);
    PorticoProcess gateway = PorticoProcess.start(tmp, PorticoProcess.launcher(), env, "run",
        "--config", config.toString(), "--port", String.valueOf(port), "--admin-port", String.valueOf(adminPort),
        "--data-dir", tmp.resolve("data").toString());
    gateway.awaitHttpOk(URI.create(adminUrl + "/ready"), START_TIMEOUT);
    return gateway;
  }

  /** Runs a command in a folder of its own (each run writes its stdout.log and stderr.log there). */
  private PorticoProcess.Completed portico(String token, String... args) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("command-" + commands.incrementAndGet()));
    Map<String, String> env = new HashMap<>();
    env.put("PORTICO_ADMIN_URL", adminUrl);
    env.put("PORTICO_ADMIN_TOKEN", token);
    return PorticoProcess.start(dir, PorticoProcess.launcher(), env, args).awaitExit(COMMAND_TIMEOUT);
  }

  @Test
  void withNoGatewayRunningTheCommandSaysSoAndExits1() throws IOException {
    PorticoProcess.Completed stages = portico(TOKEN, "stages", "--api", "shop");

    assertEquals(1, stages.exitCode(), stages::toString);
    assertEquals("no gateway answers at " + adminUrl + " (is it running? --admin)", stages.stderr().strip());
  }

  @Test
  void withoutTheTokenTheCommandSaysToSetItAndExits1() throws IOException {
    startGateway(TOKEN);

    PorticoProcess.Completed deploy = portico(null, "deploy", "--api", "shop", "--stage", "prod");

    assertEquals(1, deploy.exitCode(), deploy::toString);
    assertTrue(deploy.stderr().contains("set PORTICO_ADMIN_TOKEN"), deploy::toString);
  }

  @Test
  void aGatewayWithoutAnAdminTokenRefusesWith403AndSaysHowToSetOne() throws IOException {
    startGateway(null);

    PorticoProcess.Completed stages = portico(TOKEN, "stages", "--api", "shop");

    assertEquals(1, stages.exitCode(), stages::toString);
    assertTrue(stages.stderr().strip().endsWith("(403)"), stages::toString);
    assertTrue(stages.stderr().contains("admin.token"), stages::toString);
  }

  @Test
  void deployThenCanaryThenPromoteThenRollBack() throws Exception {
    startGateway(TOKEN);
    URI prod = URI.create("http://127.0.0.1:" + port + "/prod/shop/version");

    PorticoProcess.Completed first = portico(TOKEN, "deploy", "--api", "shop", "--stage", "prod", "--description", "v1", "-q");
    assertEquals(0, first.exitCode(), first::toString);
    String v1 = first.stdout().strip();
    assertEquals("{\"version\":1}", PorticoProcess.get(prod).body());

    changeTheDefinitionToVersion2();
    PorticoProcess.Completed second = portico(TOKEN, "deploy", "--api", "shop", "--description", "v2", "-q");
    assertEquals(0, second.exitCode(), second::toString);
    String v2 = second.stdout().strip();
    assertEquals("{\"version\":1}", PorticoProcess.get(prod).body(), "prod still serves its deployment");

    PorticoProcess.Completed canary = portico(TOKEN, "stages", "--api", "shop", "--stage", "prod",
        "--canary", v2, "--percent", "100");
    assertEquals(0, canary.exitCode(), canary::toString);
    assertEquals("{\"version\":2}", PorticoProcess.get(prod).body(), "100% to the canary");

    PorticoProcess.Completed promote = portico(TOKEN, "stages", "--api", "shop", "--stage", "prod",
        "--deployment", v2, "--no-canary");
    assertEquals(0, promote.exitCode(), promote::toString);
    assertEquals("{\"version\":2}", PorticoProcess.get(prod).body());

    PorticoProcess.Completed rollback = portico(TOKEN, "stages", "--api", "shop", "--stage", "prod", "--deployment", v1);
    assertEquals(0, rollback.exitCode(), rollback::toString);
    assertEquals("{\"version\":1}", PorticoProcess.get(prod).body());

    PorticoProcess.Completed deployments = portico(TOKEN, "deployments", "--api", "shop");
    assertEquals(0, deployments.exitCode(), deployments::toString);
    String listing = deployments.stdout();
    assertTrue(listing.indexOf(v2) > 0 && listing.indexOf(v2) < listing.indexOf(v1), listing);

    PorticoProcess.Completed stages = portico(TOKEN, "stages", "--api", "shop");
    assertEquals(0, stages.exitCode(), stages::toString);
    assertTrue(stages.stdout().lines().anyMatch(line -> line.matches("prod\\s+" + v1 + "\\s+-\\s+-")), stages::toString);
  }

  /** {@code PUT /apis/shop} with the route's mock answering version 2: the current definition changes. */
  private void changeTheDefinitionToVersion2() throws IOException, InterruptedException {
    URI shop = URI.create(adminUrl + "/apis/shop");
    HttpResponse<String> current = PorticoProcess.http().send(HttpRequest.newBuilder(shop)
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, current.statusCode(), current::body);
    // what GET answers is written back as it is (its managedBy is ignored)
    String changed = current.body().replace("{\"version\":1}", "{\"version\":2}");
    HttpResponse<String> put = PorticoProcess.http().send(HttpRequest.newBuilder(shop)
            .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(changed)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(2, put.statusCode() / 100, put::body);
  }
}
