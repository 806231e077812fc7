package dev.portico.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/portico run} reads its configuration file again on SIGHUP, and with {@code --watch}
 * when the file changes; a file with problems is refused, every problem logged, and the running
 * configuration keeps serving.
 */
class ConfigReloadIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(30);
  private static final String REFUSED = "configuration not reloaded: the running one stays";

  private static final String SERVING = """
      apis:
        - name: demo
          basePath: /demo
          routes:
            - path: /hello
              methods: [GET]
              integration: { type: mock, status: 200, body: { version: 1 } }
      """;
  private static final String BROKEN = """
      server:
        port: -1
      apis:
        - name: demo
          basePath: /demo
          routes:
            - methods: [GET]
              integration: { type: mock, status: 200, body: { version: 2 } }
      """;
  private static final String CHANGED = """
      apis:
        - name: demo
          basePath: /demo
          routes:
            - path: /goodbye
              methods: [GET]
              integration: { type: mock, status: 200, body: { version: 2 } }
      """;

  @TempDir Path tmp;

  private final int port = PorticoProcess.freePort();
  private final int adminPort = PorticoProcess.freePort();
  private final URI hello = URI.create("http://127.0.0.1:" + port + "/demo/hello");
  private final URI goodbye = URI.create("http://127.0.0.1:" + port + "/demo/goodbye");

  @AfterEach
  void killLeftovers() {
    PorticoProcess.killLeftovers();
  }

  private PorticoProcess start(Path config, String... more) {
    List<String> args = new ArrayList<>(List.of("run", "--config", config.toString(),
        "--port", String.valueOf(port), "--admin-port", String.valueOf(adminPort),
        "--data-dir", tmp.resolve("data").toString()));
    args.addAll(List.of(more));
    PorticoProcess gateway = PorticoProcess.start(tmp, args.toArray(String[]::new));
    gateway.awaitHttpOk(hello, START_TIMEOUT);
    return gateway;
  }

  private static void assertEveryProblemLogged(PorticoProcess gateway) {
    String output = gateway.stdout() + gateway.stderr();
    List<String> errors = output.lines().filter(line -> line.contains(" ERROR ")).toList();
    assertTrue(errors.stream().anyMatch(line -> line.contains(" - server.port: ")), output);
    assertTrue(errors.stream().anyMatch(line -> line.contains(" - apis[0].routes[0].path")), output);
    assertTrue(errors.stream().anyMatch(line -> line.endsWith(" - " + REFUSED)), output);
  }

  @Test
  void sighupWithABrokenFileKeepsServingTheRunningRoutesAndLogsEveryProblem() throws IOException {
    Path config = Files.writeString(tmp.resolve("portico.yaml"), SERVING);
    PorticoProcess gateway = start(config);
    gateway.awaitOutput("reloads the configuration", START_TIMEOUT);

    Files.writeString(config, BROKEN);
    gateway.sendSignal("HUP");
    gateway.awaitOutput(REFUSED, RELOAD_TIMEOUT);

    assertEveryProblemLogged(gateway);
    assertTrue(gateway.isAlive());
    assertEquals(200, PorticoProcess.statusOf(hello));
    assertEquals(0, gateway.stop(Duration.ofSeconds(30)), gateway::stderr);
  }

  @Test
  void watchRefusesABrokenFileTheSameWay() throws IOException {
    Path config = Files.writeString(tmp.resolve("portico.yaml"), SERVING);
    PorticoProcess gateway = start(config, "--watch");
    gateway.awaitOutput("watching " + config + " for changes", START_TIMEOUT);

    Files.writeString(config, BROKEN);
    gateway.awaitOutput(REFUSED, RELOAD_TIMEOUT);

    assertEveryProblemLogged(gateway);
    assertEquals(200, PorticoProcess.statusOf(hello));
    assertEquals(0, gateway.stop(Duration.ofSeconds(30)), gateway::stderr);
  }

  @Test
  void aValidChangeIsServedAfterSighup() throws IOException {
    Path config = Files.writeString(tmp.resolve("portico.yaml"), SERVING);
    PorticoProcess gateway = start(config);
    gateway.awaitOutput("reloads the configuration", START_TIMEOUT);

    Files.writeString(config, CHANGED);
    gateway.sendSignal("HUP");

    gateway.awaitHttpOk(goodbye, RELOAD_TIMEOUT);
    assertEquals(404, PorticoProcess.statusOf(hello));
    assertTrue(gateway.stdout().contains("configuration reloaded from " + config), gateway::stdout);
  }

  @Test
  void aValidChangeIsServedWithWatch() throws IOException {
    Path config = Files.writeString(tmp.resolve("portico.yaml"), SERVING);
    PorticoProcess gateway = start(config, "--watch");
    gateway.awaitOutput("watching " + config + " for changes", START_TIMEOUT);

    Files.writeString(config, CHANGED);

    gateway.awaitHttpOk(goodbye, RELOAD_TIMEOUT);
    assertEquals(404, PorticoProcess.statusOf(hello));
  }
}
