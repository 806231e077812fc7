package dev.portico.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code deploy}, {@code deployments} and {@code stages}: what they send to the admin API (method,
 * path, body, token), what they print, and their exit codes, against a real HTTP server that
 * answers as the admin API does.
 */
class AdminCommandsTest {

  private static final String TOKEN = "s3cret-admin-token";
  private static final String DEPLOYMENT = """
      {"id":"d-0002","createdAt":"2026-11-24T22:00:00Z","description":"v2: adds /pets","hash":"9b1c0e77d2a4f00dfeedbeef"}""";
  private static final String STAGES = """
      [{"name":"$default","variables":{}},
       {"name":"prod","deploymentId":"d-0001","variables":{"backend":"http://127.0.0.1:9000","tier":"gold"},
        "canary":{"deploymentId":"d-0002","percent":10.0}}]""";

  private final FakeAdminApi admin = new FakeAdminApi();
  private final Map<String, String> env = new HashMap<>(Map.of(
      AdminClient.URL_VARIABLE, admin.url(), AdminClient.TOKEN_VARIABLE, TOKEN));
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stop() {
    admin.close();
  }

  private int run(String... args) {
    CommandLine cli = PorticoCli.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private String output() {
    return "--- stdout:\n" + out + "--- stderr:\n" + err;
  }

  @Test
  void deployFreezesTheApiForTheStageWithTheTokenFromTheEnvironment() {
    admin.answer("POST", "/apis/demo/deployments", 201, DEPLOYMENT);

    assertEquals(0, run("deploy", "--api", "demo", "--stage", "prod", "--description", "v2: adds /pets"), this::output);

    FakeAdminApi.Request request = admin.next();
    assertEquals("POST", request.method());
    assertEquals("/apis/demo/deployments", request.rawPath());
    assertEquals("Bearer " + TOKEN, request.authorization());
    assertEquals(new JsonObject().put("stage", "prod").put("description", "v2: adds /pets"), new JsonObject(request.body()));
    assertEquals(List.of(
        "deployed demo as d-0002 (hash 9b1c0e77d2a4), created 2026-11-24T22:00:00Z",
        "stage prod now serves d-0002"), out.toString().lines().toList());
    assertEquals("", err.toString());
  }

  @Test
  void deployWithoutAStageSendsAnEmptyBodyAndQuietPrintsOnlyTheId() {
    admin.answer("POST", "/apis/demo/deployments", 201, DEPLOYMENT);

    assertEquals(0, run("deploy", "--api", "demo", "--quiet"), this::output);

    assertEquals(new JsonObject(), new JsonObject(admin.next().body()));
    assertEquals("d-0002\n", out.toString().replace("\r", ""));
  }

  @Test
  void deploymentsListsThemInTheGatewaysOrderNewestFirst() {
    admin.answer("GET", "/apis/demo/deployments", 200, "[" + DEPLOYMENT + ","
        + "{\"id\":\"d-0001\",\"createdAt\":\"2026-11-24T21:00:00Z\",\"hash\":\"0123\"}]");

    assertEquals(0, run("deployments", "--api", "demo"), this::output);

    assertEquals("GET", admin.next().method());
    List<String> lines = out.toString().lines().toList();
    assertEquals(3, lines.size(), this::output);
    assertTrue(lines.get(0).matches("ID\\s+CREATED\\s+HASH\\s+DESCRIPTION"), lines.get(0));
    assertTrue(lines.get(1).matches("d-0002\\s+2026-11-24T22:00:00Z\\s+9b1c0e77d2a4\\s+v2: adds /pets"), lines.get(1));
    assertTrue(lines.get(2).matches("d-0001\\s+2026-11-24T21:00:00Z\\s+0123"), lines.get(2));
  }

  @Test
  void stagesListsEachStageWithItsDeploymentCanaryAndVariables() {
    admin.answer("GET", "/apis/demo/stages", 200, STAGES);

    assertEquals(0, run("stages", "--api", "demo"), this::output);

    FakeAdminApi.Request request = admin.next();
    assertEquals("GET", request.method());
    assertEquals("Bearer " + TOKEN, request.authorization());
    List<String> lines = out.toString().lines().toList();
    assertEquals(3, lines.size(), this::output);
    assertTrue(lines.get(0).matches("STAGE\\s+DEPLOYMENT\\s+CANARY\\s+VARIABLES"), lines.get(0));
    assertTrue(lines.get(1).matches("\\$default\\s+\\(current definition\\)\\s+-\\s+-"), lines.get(1));
    assertTrue(lines.get(2).matches("prod\\s+d-0001\\s+d-0002 10%\\s+backend=http://127.0.0.1:9000 tier=gold"),
        lines.get(2));
  }

  @Test
  void stagesWithAStageShowsOnlyThatOneAndAnUnknownStageIsExit1() {
    admin.answer("GET", "/apis/demo/stages", 200, STAGES);

    assertEquals(0, run("stages", "--api", "demo", "--stage", "prod"), this::output);
    assertEquals(2, out.toString().lines().count(), this::output);

    assertEquals(1, run("stages", "--api", "demo", "--stage", "beta"), this::output);
    assertEquals("demo has no stage beta", err.toString().strip());
  }

  @Test
  void rollbackPointsTheStageAtAnOlderDeploymentAndPrintsTheStage() {
    admin.answer("PUT", "/apis/demo/stages/prod", 200,
        "{\"name\":\"prod\",\"deploymentId\":\"d-0001\",\"variables\":{}}");

    assertEquals(0, run("stages", "--api", "demo", "--stage", "prod", "--deployment", "d-0001"), this::output);

    FakeAdminApi.Request request = admin.next();
    assertEquals("PUT", request.method());
    assertEquals("/apis/demo/stages/prod", request.rawPath());
    assertEquals("Bearer " + TOKEN, request.authorization());
    assertEquals(new JsonObject().put("deploymentId", "d-0001"), new JsonObject(request.body()));
    List<String> lines = out.toString().lines().toList();
    assertEquals("stage prod of demo changed:", lines.get(0));
    assertTrue(lines.get(2).matches("prod\\s+d-0001\\s+-\\s+-"), this::output);
  }

  @Test
  void canarySendsItsDeploymentAndPercent() {
    admin.answer("PUT", "/apis/demo/stages/prod", 200, "{\"name\":\"prod\"}");

    assertEquals(0, run("stages", "--api", "demo", "--stage", "prod", "--canary", "d-0002", "--percent", "10"),
        this::output);

    assertEquals(new JsonObject().put("canary", new JsonObject().put("deploymentId", "d-0002").put("percent", 10)),
        new JsonObject(admin.next().body()));
  }

  @Test
  void aCanaryShareCanBeAFractionOfAPercent() {
    admin.answer("PUT", "/apis/demo/stages/prod", 200,
        "{\"name\":\"prod\",\"canary\":{\"deploymentId\":\"d-0002\",\"percent\":0.5}}");

    assertEquals(0, run("stages", "--api", "demo", "--stage", "prod", "--canary", "d-0002", "--percent", "0.5"),
        this::output);

    assertEquals(0.5, new JsonObject(admin.next().body()).getJsonObject("canary").getDouble("percent"));
    assertTrue(out.toString().contains("d-0002 0.5%"), this::output);
  }

  @Test
  void noCanaryAndFollowCurrentSendNullsWhichRemoveTheCanaryAndTheDeployment() {
    admin.answer("PUT", "/apis/demo/stages/prod", 200, "{\"name\":\"prod\"}");

    assertEquals(0, run("stages", "--api", "demo", "--stage", "prod", "--no-canary", "--follow-current"), this::output);

    JsonObject body = new JsonObject(admin.next().body());
    assertEquals(2, body.size(), body::encode);
    assertTrue(body.containsKey("canary") && body.getValue("canary") == null, body::encode);
    assertTrue(body.containsKey("deploymentId") && body.getValue("deploymentId") == null, body::encode);
  }

  @Test
  void aVariableIsSetAmongTheStagesOthers() {
    admin.answer("GET", "/apis/demo/stages", 200, STAGES);
    admin.answer("PUT", "/apis/demo/stages/prod", 200, "{\"name\":\"prod\"}");

    assertEquals(0, run("stages", "--api", "demo", "--stage", "prod", "--variable", "backend=http://127.0.0.1:9001"),
        this::output);

    assertEquals("GET", admin.next().method());
    FakeAdminApi.Request put = admin.next();
    assertEquals("PUT", put.method());
    assertEquals(new JsonObject().put("variables",
            new JsonObject().put("backend", "http://127.0.0.1:9001").put("tier", "gold")),
        new JsonObject(put.body()));
  }

  @Test
  void namesAreEncodedInThePath() {
    admin.answer("PUT", "/apis/demo/stages/%24default", 200, "{\"name\":\"$default\"}");

    assertEquals(0, run("stages", "--api", "demo", "--stage", "$default", "--follow-current"), this::output);

    assertEquals("/apis/demo/stages/%24default", admin.next().rawPath());
  }

  @Test
  void theAdminOptionWinsOverTheEnvironment() {
    env.put(AdminClient.URL_VARIABLE, "http://127.0.0.1:" + freePort());
    admin.answer("GET", "/apis/demo/stages", 200, "[]");

    assertEquals(0, run("stages", "--api", "demo", "--admin", admin.url()), this::output);
    assertEquals(1, admin.pending());
  }

  @Test
  void aGatewayThatDoesNotAnswerIsExit1WithAHint() {
    String url = "http://127.0.0.1:" + freePort();

    assertEquals(1, run("stages", "--api", "demo", "--admin", url), this::output);

    assertEquals("no gateway answers at " + url + " (is it running? --admin)", err.toString().strip());
  }

  @Test
  void withoutATokenNoneIsSentAnd401SaysToSetIt() {
    env.remove(AdminClient.TOKEN_VARIABLE);
    admin.answer("POST", "/apis/demo/deployments", 401, "{\"message\":\"Unauthorized\",\"status\":401,\"requestId\":\"r\"}");

    assertEquals(1, run("deploy", "--api", "demo"), this::output);

    assertNull(admin.next().authorization());
    assertTrue(err.toString().contains("set PORTICO_ADMIN_TOKEN"), this::output);
    assertEquals("", out.toString());
  }

  @Test
  void aWrongTokenIsExit1SayingSo() {
    admin.answer("GET", "/apis/demo/stages", 401, "{\"message\":\"Unauthorized\",\"status\":401,\"requestId\":\"r\"}");

    assertEquals(1, run("stages", "--api", "demo"), this::output);

    assertTrue(err.toString().contains("refused the token in PORTICO_ADMIN_TOKEN"), this::output);
  }

  @Test
  void aRefusedCallPrintsTheGatewaysMessage() {
    admin.answer("PUT", "/apis/demo/stages/prod", 400,
        "{\"message\":\"canary.percent: must be from 0 to 100\",\"status\":400,\"requestId\":\"r\"}");
    admin.answer("POST", "/apis/nope/deployments", 404,
        "{\"message\":\"no API named nope\",\"status\":404,\"requestId\":\"r\"}");

    assertEquals(1, run("stages", "--api", "demo", "--stage", "prod", "--deployment", "d-9"), this::output);
    assertEquals("canary.percent: must be from 0 to 100 (400)", err.toString().strip());

    err.getBuffer().setLength(0);
    assertEquals(1, run("deploy", "--api", "nope"), this::output);
    assertEquals("no API named nope (404)", err.toString().strip());
  }

  @Test
  void somethingElseThanTheAdminApiIsExit1() {
    admin.answer("GET", "/apis/demo/stages", 200, "<html>hello</html>");

    assertEquals(1, run("stages", "--api", "demo"), this::output);

    assertTrue(err.toString().contains("did not answer JSON"), this::output);
  }

  @Test
  void usageErrorsAreExit2AndCallNothing() {
    List<String[]> usages = List.of(
        new String[] {"deploy"},
        new String[] {"stages", "--api", "demo", "--deployment", "d-1"},
        new String[] {"stages", "--api", "demo", "--stage", "prod", "--canary", "d-1", "--percent", "101"},
        new String[] {"stages", "--api", "demo", "--stage", "prod", "--canary", "d-1", "--percent", "NaN"},
        new String[] {"stages", "--api", "demo", "--stage", "prod", "--no-canary", "--canary", "d-1", "--percent", "5"},
        new String[] {"stages", "--api", "demo", "--stage", "prod", "--deployment", "d-1", "--follow-current"},
        new String[] {"stages", "--api", "demo", "--admin", "127.0.0.1:9876"},
        new String[] {"deploy", "--api", "demo", "--token", "t"},
        new String[] {"deploy", "--api", ""},
        new String[] {"stages", "--api", "demo", "--stage", " "});
    for (String[] args : usages) {
      err.getBuffer().setLength(0);
      assertEquals(2, run(args), () -> String.join(" ", args) + "\n" + output());
      assertTrue(!err.toString().isBlank(), () -> String.join(" ", args) + ": no explanation");
    }
    assertEquals(0, admin.pending());
  }

  @Test
  void aTokenNoHeaderCanCarryIsExit1SayingSoAndCallsNothing() {
    env.put(AdminClient.TOKEN_VARIABLE, "s3cret\n");

    assertEquals(1, run("stages", "--api", "demo"), this::output);

    assertTrue(err.toString().startsWith("PORTICO_ADMIN_TOKEN: holds a control character"), this::output);
    assertEquals(0, admin.pending());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
