package dev.portico.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.LoadResult;
import dev.portico.gateway.plugin.PolicyCatalog;
import dev.portico.gateway.server.GatewayServer;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code conf/portico.yaml}, as {@code bin/portico} runs it (with {@code PORTICO_PORT}
 * set), with the bundled plugins it uses: its demo routes answer with no external service.
 */
class ShippedDemoTest {

  /** The bundled plugins the demo configuration names; add one here when the demo starts using it. */
  private static final String[] PLUGINS = {"headers", "rewrite", "cors", "rate-limit", "jwt", "api-key", "body", "validate"};

  private static PolicyCatalog catalog;
  private static GatewayServer server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Path conf = shippedConf();
    port = TestGateway.freePort();
    catalog = PolicyCatalog.load(BundledPlugins.dir(PLUGINS), ShippedDemoTest.class.getClassLoader());
    LoadResult result = new ConfigLoader(catalog.factories(), Map.of("PORTICO_PORT", String.valueOf(port)))
        .parse(Files.readString(conf), conf.getParent().getParent());
    assertEquals(java.util.List.of(), result.problems(), "conf/portico.yaml is refused");
    Path data = Files.createTempDirectory("portico-demo");
    server = GatewayServer.start(result.config(), catalog.factories(), catalog.policies(),
            new GatewayServer.Options(port, TestGateway.freePort(), data))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.drain().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (catalog != null) {
      catalog.close();
    }
  }

  private static Path shippedConf() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("conf/portico.yaml")) && Files.isDirectory(d.resolve("plugins"))) {
        return d.resolve("conf/portico.yaml");
      }
    }
    throw new IllegalStateException("conf/portico.yaml not found above " + Path.of("").toAbsolutePath());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    return Wire.send(request.timeout(java.time.Duration.ofSeconds(10)).build());
  }

  private static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path));
  }

  @Test
  void helloAnswersFromTheMockIntegration() {
    HttpResponse<String> response = send(to("/demo/hello"));

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("true", response.headers().firstValue("X-Portico-Demo").orElse(null));
  }

  @Test
  void rewriteDemoCallsTheGreetRouteWithTheNewPathAndQuery() {
    HttpResponse<String> response = send(to("/demo/v1/hello-to/alice?language=fr"));

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("alice", response.headers().firstValue("X-Greeted").orElse(null));
    assertEquals("fr", response.headers().firstValue("X-Language").orElse(null));
  }

  @Test
  void jwtDemoIs401WithoutATokenAnd200WithTheOnePorticoTokenPrints() {
    HttpResponse<String> anonymous = send(to("/demo/me"));
    assertEquals(401, anonymous.statusCode(), anonymous::body);

    java.io.StringWriter printed = new java.io.StringWriter();
    picocli.CommandLine token = new picocli.CommandLine(new dev.portico.gateway.cli.TokenCommand())
        .setOut(new java.io.PrintWriter(printed, true));
    assertEquals(0, token.execute("--sub", "alice", "--secret", dev.portico.gateway.cli.TokenCommand.DEMO_SECRET));
    HttpResponse<String> alice = send(to("/demo/me").header("Authorization", "Bearer " + printed.toString().trim()));
    assertEquals(200, alice.statusCode(), alice::body);
    assertEquals("alice", alice.headers().firstValue("X-User").orElse(null));
  }

  @Test
  void bodyDemoReshapesTheMocksJson() {
    HttpResponse<String> response = send(to("/demo/pets/7").header("X-Request-Id", "demo-1"));

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("{\"id\":\"7\",\"name\":\"Rex\",\"firstTag\":\"good\",\"tags\":[\"good\",\"dog\"],\"requestId\":\"demo-1\"}",
        response.body());
  }

  @Test
  void corsDemoAnswersThePreflightAndAllowsTheOrigin() {
    HttpResponse<String> preflight = send(to("/demo/cors")
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertEquals(204, preflight.statusCode(), preflight::body);
    assertEquals("http://localhost:3000", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals("GET, POST", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(null));

    HttpResponse<String> get = send(to("/demo/cors").header("Origin", "http://localhost:3000"));
    assertEquals(200, get.statusCode(), get::body);
    assertEquals("http://localhost:3000", get.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void validateDemoRefusesABodyNamingTheFieldAndAdmitsAValidOne() {
    HttpResponse<String> refused = send(to("/demo/pets").header("X-Tenant", "acme").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"pets\": [{\"name\": \"Rex\"}, {\"age\": 2}]}")));
    assertEquals(400, refused.statusCode(), refused::body);
    assertTrue(refused.body().contains("body.pets[1].name: required"), refused::body);

    HttpResponse<String> noTenant = send(to("/demo/pets").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"pets\": [{\"name\": \"Rex\"}]}")));
    assertEquals(400, noTenant.statusCode(), noTenant::body);
    assertTrue(noTenant.body().contains("header.X-Tenant: required"), noTenant::body);

    HttpResponse<String> created = send(to("/demo/pets").header("X-Tenant", "acme").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"pets\": [{\"name\": \"Rex\", \"age\": 2}]}")));
    assertEquals(201, created.statusCode(), created::body);
  }

  @Test
  void limitedDemoAdmitsABurstOfFiveThenAnswers429WithRetryAfter() {
    // 5 at once, then 1 a second: a token may come back while the burst is sent, hence no exact count
    int admitted = 0;
    HttpResponse<String> response = send(to("/demo/limited"));
    while (response.statusCode() == 200 && admitted < 20) {
      admitted++;
      response = send(to("/demo/limited"));
    }
    int burst = admitted;
    assertTrue(burst >= 5, () -> "only " + burst + " admitted");
    assertEquals(429, response.statusCode(), response::body);
    assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
    assertEquals("5", response.headers().firstValue("RateLimit-Limit").orElse(null));
    assertEquals("0", response.headers().firstValue("RateLimit-Remaining").orElse(null));
  }

  @Test
  void keyedDemoAnswers401WithoutAKeyThen200WithTheDemoKeyAndItsPlansHeaders() {
    HttpResponse<String> without = send(to("/demo/keyed"));
    assertEquals(401, without.statusCode(), without::body);
    assertEquals("ApiKey header=\"X-API-Key\"", without.headers().firstValue("WWW-Authenticate").orElse(null));

    HttpResponse<String> with = send(to("/demo/keyed").header("X-API-Key", "demo-key"));
    assertEquals(200, with.statusCode(), with::body);
    assertEquals("demo-user", with.headers().firstValue("X-Key-Id").orElse(null));
    assertEquals("5", with.headers().firstValue("RateLimit-Limit").orElse(null));
  }
}
