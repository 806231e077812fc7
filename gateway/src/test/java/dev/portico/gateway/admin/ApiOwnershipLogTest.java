package dev.portico.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.LoadResult;
import dev.portico.gateway.pipeline.LogCapture;
import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.ShopApi;
import dev.portico.gateway.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The start log and the reload log name every API served from {@code data/} rather than from the
 * configuration file, so an API the admin API wrote is no surprise when the gateway starts with
 * another {@code --config}.
 */
class ApiOwnershipLogTest {

  private static final String TOKEN = "ownership-token";

  private static final String OTHER_FILE = """
      admin: { token: %s }
      apis:
        - name: other
          basePath: /other
          routes:
            - path: /
              integration: { type: mock, status: 200 }
      """.formatted(TOKEN);

  private static List<String> servingLines(LogCapture logs) {
    return logs.messages().stream().filter(line -> line.startsWith("INFO serving '")).toList();
  }

  /** Writes shop (which the file defines), extra (which it does not) and gone (deleted) through the admin API. */
  private static Path dataWithThreeWrittenApis() throws Exception {
    Path dir = Files.createTempDirectory("portico-ownership");
    try (TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      admin.expect(200, "PUT", "/apis/shop", ShopApi.version(2));
      admin.expect(201, "PUT", "/apis/extra", """
          {"basePath": "/extra", "routes": [{"path": "/", "integration": {"type": "mock", "status": 200, "body": {"v": 7}}}]}
          """);
      admin.expect(201, "PUT", "/apis/gone", """
          {"basePath": "/gone", "routes": [{"path": "/", "integration": {"type": "mock", "status": 200}}]}
          """);
      admin.expect(204, "DELETE", "/apis/gone", null);
    }
    return dir;
  }

  @Test
  void aStartWithAnotherFileNamesEachApiServedFromData() throws Exception {
    Path dir = dataWithThreeWrittenApis();

    try (LogCapture logs = LogCapture.capture();
        TestGateway gw = TestGateway.startIn(dir, OTHER_FILE, null)) {
      assertEquals(List.of(
          "INFO serving 'extra' from data/ (managed through the admin API): the configuration file does not define it",
          "INFO serving 'shop' from data/ (managed through the admin API): the configuration file does not define it"),
          servingLines(logs));
      assertEquals(7, Admin.fetch(gw.port(), "/extra/").json().getInteger("v"));
      assertEquals(2, Admin.fetch(gw.port(), "/shop/item").json().getInteger("v"));
      assertEquals(404, Admin.fetch(gw.port(), "/gone/").status());
      assertEquals(200, Admin.fetch(gw.port(), "/other/").status());
    }
  }

  @Test
  void anApiTheFileAlsoDefinesIsNamedAtStartAndAfterAReload() throws Exception {
    Path dir = dataWithThreeWrittenApis();

    try (LogCapture logs = LogCapture.capture();
        TestGateway gw = TestGateway.startIn(dir, ShopApi.yaml(TOKEN), null)) {
      List<String> expected = List.of(
          "INFO serving 'extra' from data/ (managed through the admin API): the configuration file does not define it",
          "INFO serving 'shop' from data/ (managed through the admin API), not from the configuration file");
      assertEquals(expected, servingLines(logs));
      assertTrue(logs.alarms().contains(
          "WARN apis[0] 'shop' is managed through the admin API (kept in data/): the file's definition of it is ignored"),
          () -> String.join("\n", logs.alarms()));
      assertEquals(2, Admin.fetch(gw.port(), "/shop/item").json().getInteger("v"), "data/'s definition serves");

      logs.clear();
      LoadResult reloaded = new ConfigLoader(Map.of(), Map.of()).parse("server: { instances: 1 }\n" + ShopApi.yaml(TOKEN), dir);
      assertTrue(reloaded.ok(), () -> String.join("\n", reloaded.problems()));
      gw.server().reload(reloaded.config()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals(expected, servingLines(logs));
    }
  }
}
