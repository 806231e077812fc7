package dev.portico.plugins.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.cli.TokenCommand;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.TestGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's tour on the shipped {@code conf/portico.yaml}: {@code /demo/me} is 401, then 200 with {@code portico token}. */
class DemoRouteTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private static Path shippedConfig() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("conf/portico.yaml");
      if (Files.isRegularFile(candidate) && Files.isDirectory(d.resolve("plugins"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("conf/portico.yaml not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void demoMeIs401WithoutATokenAnd200WithTheOnePorticoTokenPrints() throws Exception {
    String yaml = Files.readString(shippedConfig());
    StringWriter printed = new StringWriter();
    CommandLine token = new CommandLine(new TokenCommand()).setOut(new PrintWriter(printed, true));
    assertEquals(0, token.execute("--sub", "alice"));

    try (TestGateway gw = TestGateway.start(yaml, BundledPlugins.dir("headers"))) {
      HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(gw.uri("/demo/me")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode(), anonymous.body());

      HttpResponse<String> alice = client.send(HttpRequest.newBuilder(gw.uri("/demo/me"))
              .header("Authorization", "Bearer " + printed.toString().trim()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, alice.statusCode(), alice.body());
      assertEquals("alice", alice.headers().firstValue("X-User").orElse(null));
    }
  }
}
